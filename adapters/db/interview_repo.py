"""Write-behind storage for the interview agent.

Rows are gathered per batch and written in one transaction with idempotent
upserts keyed on natural keys (the Kafka position of each event, the session
id), so a redelivered batch never adds a row. One round trip per table per
batch, never one per event.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from adapters.db.errors import translate_write_errors
from adapters.db.failed_jobs import FailedJob, FailedJobStore
from tables.metrics import JSON_COLUMNS, METRIC_COLUMNS, SessionMetricsRow

__all__ = ["EventRow", "InterviewWrites", "batch_writer", "write_interview_batch"]


@dataclass(frozen=True, slots=True)
class EventRow:
    event_key: str  # eventId, or a digest of the message bytes
    topic: str
    partition: int
    offset: int
    session_id: str
    event_type: str
    event_ts: datetime
    payload: str  # the event's JSON, as received (or with its text repaired)
    #: Only for a repaired payload: the repairs as JSON, and the bytes as received.
    repairs: str | None = None
    received: bytes | None = None


@dataclass
class InterviewWrites:
    """Everything one batch will write; metrics keep only each session's latest row."""

    events: list[EventRow] = field(default_factory=list)
    metrics: dict[str, SessionMetricsRow] = field(default_factory=dict)
    theta: list[tuple[Any, ...]] = field(default_factory=list)
    indicators: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events) + len(self.metrics) + len(self.theta) + len(self.indicators)


async def write_interview_batch(conn: asyncpg.Connection, writes: InterviewWrites) -> None:
    """Write one batch atomically."""
    async with conn.transaction():
        if writes.events:
            await _insert_events(conn, writes.events)
        if writes.theta:
            await conn.executemany(
                "INSERT INTO internal.theta_trajectory (session_id, event_id, seq, question_id,"
                " event_ts, score, theta, se, a, b, c, bank_version)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT DO NOTHING",
                writes.theta,
            )
        if writes.indicators:
            await conn.executemany(
                "INSERT INTO internal.session_indicators (session_id, name, first_at, event_id,"
                " detail) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
                writes.indicators,
            )
        if writes.metrics:
            await _upsert_metrics(conn, list(writes.metrics.values()))


def batch_writer(pool: asyncpg.Pool, group: str = "") -> Callable[[InterviewWrites,
                                                                  list[FailedJob]],
                                                  Awaitable[None]]:
    """The interview agent's write: a batch's rows and its failed jobs, one transaction.

    A lost or refused connection raises a ``TransientError``, so the agent waits the
    outage out; rows PostgreSQL refuses raise :class:`~adapters.db.errors.WriteRefused`,
    so the agent isolates them (neither needs to know asyncpg).
    """

    async def write(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        with translate_write_errors("PostgreSQL write"):
            async with pool.acquire() as conn, conn.transaction():
                await write_interview_batch(conn, writes)
                await FailedJobStore(conn, group).record(failed)

    return write


async def _insert_events(conn: asyncpg.Connection, rows: list[EventRow]) -> None:
    # unnest() sends the whole batch as arrays: one statement, one round trip.
    await conn.execute(
        "INSERT INTO internal.session_events"
        " (event_key, topic, partition, \"offset\", session_id, event_type, event_ts, payload,"
        " repairs, received)"
        " SELECT k, t, p, o, s, e, ts, pl::jsonb, rp::jsonb, rc FROM unnest($1::text[],"
        " $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[],"
        " $8::text[], $9::text[], $10::bytea[]) AS u(k, t, p, o, s, e, ts, pl, rp, rc)"
        " ON CONFLICT DO NOTHING",
        [r.event_key for r in rows], [r.topic for r in rows],
        [r.partition for r in rows], [r.offset for r in rows],
        [r.session_id for r in rows], [r.event_type for r in rows],
        [r.event_ts for r in rows], [r.payload for r in rows],
        [r.repairs for r in rows], [r.received for r in rows],
    )


async def _upsert_metrics(conn: asyncpg.Connection, rows: list[SessionMetricsRow]) -> None:
    cols = ", ".join(METRIC_COLUMNS)
    params = ", ".join(
        f"${i}::jsonb" if c in JSON_COLUMNS else f"${i}"
        for i, c in enumerate(METRIC_COLUMNS, start=1)
    )
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in METRIC_COLUMNS[1:])
    # The guard keeps a replayed, older state from overwriting a newer row.
    sql = (
        f"INSERT INTO internal.session_metrics ({cols}) VALUES ({params})"
        f" ON CONFLICT (session_id) DO UPDATE SET {updates}, updated_at = now()"
        " WHERE internal.session_metrics.events_applied <= EXCLUDED.events_applied"
    )
    await conn.executemany(sql, [_metric_values(r) for r in rows])


def _metric_values(row: SessionMetricsRow) -> tuple[Any, ...]:
    """The row's values in column order, its JSON columns encoded (the row is shaped
    by :func:`tables.metrics.session_metrics`; nothing is reshaped here)."""
    values: Mapping[str, Any] = row
    return tuple(json.dumps(values[c]) if c in JSON_COLUMNS else values[c]
                 for c in METRIC_COLUMNS)
