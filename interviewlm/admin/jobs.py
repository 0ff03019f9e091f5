"""Failed jobs for the board: a page of rows, retry (republish), purge one.

Retrying goes through :func:`interviewlm.failed_ops.retry_jobs`, the same code
as ``interviewlm failed retry``, so the board and the CLI cannot drift apart.
The board opens one short-lived connection per request: it is used by a
person a few times a minute, and must not hold connections the agents need.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from adapters.db.failed_jobs import FailedJobStore
from adapters.db.pool import connect
from interviewlm.admin.model import FailedJobRow, JobPage
from interviewlm.failed_ops import retry_jobs
from runtime.settings import Settings

__all__ = ["PER_PAGE", "load_jobs", "purge_job", "retry_all", "retry_one"]

#: Failed jobs per board page.
PER_PAGE = 20
#: "Retry all" republishes at most this many jobs per click.
RETRY_ALL_LIMIT = 10_000

_PAGE = (
    "SELECT id, worker, source_topic, partition, \"offset\", error_type, error_message,"
    " stack_trace, attempts, status, first_failed_at, last_failed_at, retried_at"
    " FROM internal.failed_jobs ORDER BY last_failed_at DESC, id DESC LIMIT $1 OFFSET $2"
)
_COUNTS = (
    "SELECT count(*) AS total, count(*) FILTER (WHERE status = 'failed') AS failed"
    " FROM internal.failed_jobs"
)


@asynccontextmanager
async def _connection(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect(settings)
    try:
        yield conn
    finally:
        await conn.close()


def _row(record: Any) -> FailedJobRow:
    return FailedJobRow(
        id=int(record["id"]), worker=record["worker"], source_topic=record["source_topic"],
        partition=int(record["partition"]), offset=int(record["offset"]),
        error_type=record["error_type"], error_message=record["error_message"],
        stack_trace=record["stack_trace"] or "", attempts=int(record["attempts"]),
        status=record["status"], first_failed_at=record["first_failed_at"],
        last_failed_at=record["last_failed_at"], retried_at=record["retried_at"])


async def load_jobs(settings: Settings, page: int = 1, per_page: int = PER_PAGE) -> JobPage:
    """Page ``page`` (1-based) of failed jobs, newest first, with the totals."""
    page = max(1, page)
    async with _connection(settings) as conn:
        counts = await conn.fetchrow(_COUNTS)
        rows = await conn.fetch(_PAGE, per_page, (page - 1) * per_page)
    return JobPage([_row(r) for r in rows], page, per_page, int(counts["total"]),
                   int(counts["failed"]))


async def retry_one(settings: Settings, job_id: int) -> list[int]:
    """Republish one job to its source topic; returns ``[job_id]`` if it was retried."""
    async with _connection(settings) as conn:
        return (await retry_jobs(settings, FailedJobStore(conn), [job_id])).retried


async def retry_all(settings: Settings) -> list[int]:
    """Republish every job still in status ``failed``; returns the ids retried."""
    async with _connection(settings) as conn:
        store = FailedJobStore(conn)
        ids = [int(j["id"]) for j in await store.list(status="failed", limit=RETRY_ALL_LIMIT)]
        return (await retry_jobs(settings, store, ids)).retried


async def purge_job(settings: Settings, job_id: int) -> bool:
    """Delete one failed job; True when a row was deleted."""
    async with _connection(settings) as conn:
        return bool(await FailedJobStore(conn).delete([job_id]))
