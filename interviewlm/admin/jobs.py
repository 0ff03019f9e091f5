"""Failed jobs for the board: search, one job in detail, and retry/purge of named ids.

Every query is limited to this worker's consumer group (``APP_ID``): a board
never shows, retries or deletes another group's jobs. Retrying goes through
:func:`interviewlm.failed_ops.retry_jobs`, the same code as ``interviewlm failed
retry``. The board opens one short-lived connection per request: a person uses
it a few times a minute, and it must not hold connections the agents need.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from adapters.db.failed_jobs import FailedJobStore
from adapters.db.pool import connect
from interviewlm.admin.filters import JobFilter
from interviewlm.admin.model import FailedJobRow, JobPage
from interviewlm.admin.pages import JobDetail, attempt_history
from interviewlm.admin.redact import redact_error, redact_headers, redact_payload
from interviewlm.failed_ops import retry_jobs
from runtime.settings import Settings

__all__ = ["PER_PAGE", "SELECT_LIMIT", "connection", "job_row", "load_job", "load_jobs",
           "matching_ids", "purge_ids", "retry_ids"]

#: Failed jobs per board page.
PER_PAGE = 20
#: A filter-wide action names at most this many jobs at once.
SELECT_LIMIT = 1000

_COLUMNS = (
    "id, worker, source_topic, partition, \"offset\", error_type, error_message,"
    " stack_trace, attempts, status, first_failed_at, last_failed_at, retried_at, reason,"
    " session_id"
)
_WHERE = (
    " WHERE consumer_group = $1"
    " AND ($2::text IS NULL OR source_topic = $2)"
    " AND ($3::text IS NULL OR reason = $3)"
    " AND ($4::text IS NULL OR session_id = $4)"
    " AND ($5::text IS NULL OR status = $5)"
    " AND ($6::timestamptz IS NULL OR last_failed_at >= $6)"
    " AND ($7::timestamptz IS NULL OR last_failed_at <= $7)"
)


@asynccontextmanager
async def connection(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect(settings)
    try:
        yield conn
    finally:
        await conn.close()


def _args(settings: Settings, where: JobFilter) -> tuple[Any, ...]:
    return (settings.app_id, where.topic, where.reason, where.session_id, where.status,
            where.since, where.until)


def job_row(record: Any) -> FailedJobRow:
    """A stored row as the board shows it; texts that may echo input are scrubbed."""
    return FailedJobRow(
        id=int(record["id"]), worker=record["worker"], source_topic=record["source_topic"],
        partition=int(record["partition"]), offset=int(record["offset"]),
        error_type=record["error_type"], error_message=redact_error(record["error_message"]),
        stack_trace=redact_error(record["stack_trace"] or ""),
        attempts=int(record["attempts"]), status=record["status"],
        first_failed_at=record["first_failed_at"], last_failed_at=record["last_failed_at"],
        retried_at=record["retried_at"], reason=record["reason"] or "",
        session_id=record["session_id"])


async def load_jobs(settings: Settings, where: JobFilter | None = None, page: int = 1,
                    per_page: int = PER_PAGE) -> JobPage:
    """Page ``page`` (1-based) of this group's jobs matching ``where``, newest first."""
    where, page = where or JobFilter(), max(1, page)
    args = _args(settings, where)
    async with connection(settings) as conn:
        counts = await conn.fetchrow(
            "SELECT count(*) AS total, count(*) FILTER (WHERE status = 'failed') AS failed"
            f" FROM internal.failed_jobs{_WHERE}", *args)
        rows = await conn.fetch(
            f"SELECT {_COLUMNS} FROM internal.failed_jobs{_WHERE}"
            " ORDER BY last_failed_at DESC, id DESC LIMIT $8 OFFSET $9",
            *args, per_page, (page - 1) * per_page)
    return JobPage([job_row(r) for r in rows], page, per_page, int(counts["total"]),
                   int(counts["failed"]))


async def matching_ids(settings: Settings, where: JobFilter,
                       limit: int = SELECT_LIMIT) -> list[int]:
    """The ids of this group's jobs matching ``where`` (what a filter-wide action names)."""
    async with connection(settings) as conn:
        rows = await conn.fetch(f"SELECT id FROM internal.failed_jobs{_WHERE}"
                                " ORDER BY id LIMIT $8", *_args(settings, where), limit)
    return [int(r["id"]) for r in rows]


async def _own(conn: asyncpg.Connection, settings: Settings, ids: list[int]) -> list[int]:
    rows = await conn.fetch("SELECT id FROM internal.failed_jobs WHERE consumer_group = $1"
                            " AND id = ANY($2::bigint[]) ORDER BY id", settings.app_id, ids)
    return [int(r["id"]) for r in rows]


async def load_job(settings: Settings, job_id: int) -> JobDetail | None:
    """One of this group's jobs with payload, headers and attempt history; None if none."""
    async with connection(settings) as conn:
        record = await conn.fetchrow(
            f"SELECT {_COLUMNS}, payload, headers FROM internal.failed_jobs"
            " WHERE consumer_group = $1 AND id = $2", settings.app_id, job_id)
        if record is None:
            return None
        later = await conn.fetch(
            "SELECT id, last_failed_at, error_type FROM internal.failed_jobs"
            " WHERE consumer_group = $1 AND headers @> $2::jsonb", settings.app_id,
            json.dumps([["x-retry-of-failed-job", str(job_id)]]))
    headers = [(str(k), str(v)) for k, v in json.loads(record["headers"] or "[]")]
    job = job_row(record)
    payload, is_json = redact_payload(bytes(record["payload"]))
    history = attempt_history(job, dict(headers),
                              [(int(r["id"]), r["last_failed_at"], r["error_type"])
                               for r in later])
    return JobDetail(job, payload, is_json, redact_headers(headers), history)


async def retry_ids(settings: Settings, ids: list[int]) -> list[int]:
    """Republish the named jobs of this group still in status failed; the ids retried."""
    async with connection(settings) as conn:
        return (await retry_jobs(settings, FailedJobStore(conn), await _own(
            conn, settings, ids))).retried


async def purge_ids(settings: Settings, ids: list[int]) -> list[int]:
    """Delete exactly the named jobs that belong to this group; the ids deleted."""
    async with connection(settings) as conn:
        return await FailedJobStore(conn).delete(await _own(conn, settings, ids))
