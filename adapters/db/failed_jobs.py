"""The failed-job store: the newest dead letters, for inspection and manual retry.

Each row belongs to the consumer group (``APP_ID``) whose worker recorded it, so
one database can serve several groups and each admin board shows its own.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from adapters.db.errors import translate_write_errors

__all__ = ["KEEP_NEWEST", "FailedJob", "FailedJobStore", "failed_job_recorder"]

#: Only the newest rows are kept, as the old queue kept its last 5,000 failures.
KEEP_NEWEST = 5000


@dataclass(frozen=True, slots=True)
class FailedJob:
    worker: str
    source_topic: str
    partition: int
    offset: int
    message_key: bytes | None
    payload: bytes
    error_type: str
    error_message: str
    stack_trace: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime
    reason: str = ""  # the dead-letter reason class (a metric label)
    headers: tuple[tuple[str, str], ...] = ()  # the message's headers, as text
    session_id: str | None = None  # the message key, when it is text

    def as_row(self, group: str) -> tuple[Any, ...]:
        return (self.worker, self.source_topic, self.partition, self.offset, self.message_key,
                self.payload, self.error_type, self.error_message, self.stack_trace,
                self.attempts, self.first_failed_at, self.last_failed_at, group, self.reason,
                self.session_id, json.dumps([list(h) for h in self.headers]))


_INSERT = (
    "INSERT INTO internal.failed_jobs (worker, source_topic, partition, \"offset\", message_key,"
    " payload, error_type, error_message, stack_trace, attempts, first_failed_at,"
    " last_failed_at, consumer_group, reason, session_id, headers)"
    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16::jsonb)"
    " ON CONFLICT (consumer_group, source_topic, partition, \"offset\") DO UPDATE SET"
    " error_type = EXCLUDED.error_type, error_message = EXCLUDED.error_message,"
    " stack_trace = EXCLUDED.stack_trace, reason = EXCLUDED.reason,"
    " headers = EXCLUDED.headers,"
    " attempts = GREATEST(internal.failed_jobs.attempts, EXCLUDED.attempts),"
    " last_failed_at = EXCLUDED.last_failed_at, status = 'failed'"
)
_SUMMARY = (
    "id, worker, source_topic, partition, \"offset\", error_type, error_message, attempts,"
    " first_failed_at, last_failed_at, status, retried_at, consumer_group, reason, session_id"
)


class FailedJobStore:
    """CRUD over ``internal.failed_jobs``; every method takes a pool or connection."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection, group: str = "") -> None:
        self.db = db
        self.group = group  # the consumer group rows are recorded for

    async def record(self, jobs: list[FailedJob]) -> None:
        """Upsert failures (a redelivered dead letter updates its row) and prune."""
        if not jobs:
            return
        await self.db.executemany(_INSERT, [j.as_row(self.group) for j in jobs])
        await self.prune()

    async def prune(self, keep: int = KEEP_NEWEST) -> int:
        result = await self.db.execute(
            "DELETE FROM internal.failed_jobs WHERE id IN (SELECT id FROM internal.failed_jobs"
            " ORDER BY last_failed_at DESC, id DESC OFFSET $1)", keep)
        return int(str(result).split()[-1])

    async def list(self, *, topic: str | None = None, status: str | None = None,
                   limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.db.fetch(
            f"SELECT {_SUMMARY} FROM internal.failed_jobs"
            " WHERE ($1::text IS NULL OR source_topic = $1)"
            " AND ($2::text IS NULL OR status = $2)"
            " ORDER BY last_failed_at DESC, id DESC LIMIT $3", topic, status, limit)
        return [dict(r) for r in rows]

    async def get(self, job_id: int) -> dict[str, Any] | None:
        row = await self.db.fetchrow("SELECT * FROM internal.failed_jobs WHERE id = $1", job_id)
        return dict(row) if row else None

    async def mark_retried(self, job_id: int) -> None:
        await self.db.execute(
            "UPDATE internal.failed_jobs SET status = 'retried', retried_at = now()"
            " WHERE id = $1", job_id)

    async def ids(self, *, topic: str | None = None, status: str | None = None,
                  among: builtins.list[int] | None = None) -> builtins.list[int]:
        """Ids of the rows matching every filter given (``among``: only these ids)."""
        rows = await self.db.fetch(
            "SELECT id FROM internal.failed_jobs"
            " WHERE ($1::text IS NULL OR source_topic = $1)"
            " AND ($2::text IS NULL OR status = $2)"
            " AND ($3::bigint[] IS NULL OR id = ANY($3)) ORDER BY id", topic, status, among)
        return [int(r["id"]) for r in rows]

    async def delete(self, ids: builtins.list[int]) -> builtins.list[int]:
        """Delete exactly the rows named by ``ids``; returns the ids that were deleted."""
        rows = await self.db.fetch(
            "DELETE FROM internal.failed_jobs WHERE id = ANY($1::bigint[]) RETURNING id", ids)
        return sorted(int(r["id"]) for r in rows)

    async def count(self) -> int:
        return int(await self.db.fetchval("SELECT count(*) FROM internal.failed_jobs"))


def failed_job_recorder(pool: asyncpg.Pool, group: str = ""
                        ) -> Callable[[list[FailedJob]], Awaitable[None]]:
    """Record dead letters of consumer group ``group`` through ``pool``: an outage raises
    a ``TransientError``, rows PostgreSQL refuses raise
    :class:`~adapters.db.errors.WriteRefused`."""

    async def record(jobs: list[FailedJob]) -> None:
        with translate_write_errors("failed-job write"):
            async with pool.acquire() as conn:
                await FailedJobStore(conn, group).record(jobs)

    return record
