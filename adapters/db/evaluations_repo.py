"""PostgreSQL access for the evaluation agent: recordings in, evaluations and reports out.

Reads the interview agent's rows (``session_events`` in event-time order,
``session_metrics``, ``theta_trajectory``) and writes ``evaluations`` (upserted on
session id + rubric version), ``reports`` and the LLM batch queue
(``llm_batch_requests``). Connection failures become :class:`TransientError`
so the job is retried instead of dead-lettered.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from assess.evaluation import InterviewSignals
from assess.recording import RecordedEvent
from runtime.errors import TransientError

__all__ = [
    "EvaluationsRepo",
    "PendingReview",
    "StoredEvaluation",
    "ThetaPoint",
    "evaluation_id_for",
]

_NAMESPACE = uuid.UUID("8d2f3c4e-5b6a-4f1e-9c0d-7a8b9c0d1e2f")
_TRANSIENT = (asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
              asyncpg.CannotConnectNowError, OSError, TimeoutError)
_BATCH_LOCK_ID = 7_310_455_202  # arbitrary, fixed: one batch coordinator at a time
_COLUMNS = ("evaluation_id, session_id, rubric_version, candidate_id, overall_score,"
            " overall_confidence, needs_review, mode, model, result, usage, cost_dollars,"
            " recording_digest")


def evaluation_id_for(session_id: str, rubric_version: str) -> str:
    """Stable id of (session, rubric version): redeliveries and re-scoring keep it.

    ``ev_`` + 32 hex digits, so it is also a valid, opaque batch ``custom_id``.
    """
    return "ev_" + uuid.uuid5(_NAMESPACE, f"{session_id}\x00{rubric_version}").hex


@dataclass(frozen=True)
class StoredEvaluation:
    """One ``internal.evaluations`` row; ``result`` is the evaluation JSON."""

    evaluation_id: str
    session_id: str
    rubric_version: str
    candidate_id: str | None
    overall_score: float
    overall_confidence: float
    needs_review: bool
    mode: str
    model: str
    result: dict[str, Any]
    usage: dict[str, Any]
    cost_dollars: float
    recording_digest: str | None = None

    @property
    def final(self) -> bool:
        """False while the LLM review waits in a batch (mode ``llm-pending``)."""
        return self.mode != "llm-pending"

    def values(self) -> tuple[Any, ...]:
        return (self.evaluation_id, self.session_id, self.rubric_version, self.candidate_id,
                self.overall_score, self.overall_confidence, self.needs_review, self.mode,
                self.model, json.dumps(self.result), json.dumps(self.usage), self.cost_dollars,
                self.recording_digest)

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> StoredEvaluation:
        data = dict(row)
        data["result"] = json.loads(data["result"])
        data["usage"] = json.loads(data["usage"])
        return cls(**data)


@dataclass(frozen=True)
class PendingReview:
    """An evaluation whose LLM review goes through a batch; custom_id = evaluation_id."""

    evaluation_id: str
    session_id: str
    rubric_version: str
    status: str
    batch_id: str | None
    queued_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class ThetaPoint:
    """The ability estimate after one scored response (theta and se in logits)."""

    seq: int
    timestamp: datetime
    theta: float
    se: float


class EvaluationsRepo:
    """The evaluation agent's queries, over an asyncpg pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def _conn(self) -> AsyncIterator[asyncpg.Connection]:
        try:
            async with self.pool.acquire() as conn:
                yield conn
        except _TRANSIENT as exc:
            raise TransientError(f"PostgreSQL unavailable: {type(exc).__name__}") from exc

    # --- what the interview agent stored -----------------------------------
    async def recording(self, session_id: str) -> list[RecordedEvent]:
        """The session's events in event-time order (empty if none).

        Sorted by the platform's ``timestamp``, then by a fixed rank of the type
        (session-started first, session-complete last at equal times), then by the
        event key (the producer's id or a digest of the bytes). None of these depend
        on which partition or offset an event landed on, so a session scores the
        same however its events were keyed or partitioned.
        """
        async with self._conn() as conn:
            rows = await conn.fetch(
                "SELECT topic, partition, \"offset\", event_type, event_ts, payload"
                " FROM internal.session_events WHERE session_id = $1"
                " ORDER BY event_ts, CASE event_type WHEN 'session-started' THEN 0"
                " WHEN 'session-complete' THEN 2 ELSE 1 END, event_key", session_id)
        events = []
        for seq, row in enumerate(rows):
            payload = json.loads(row["payload"])
            data = payload.get("data") if isinstance(payload, dict) else None
            events.append(RecordedEvent(
                event_id=f"{row['topic']}:{row['partition']}:{row['offset']}", seq=seq,
                type=row["event_type"], timestamp=row["event_ts"],
                data=data if isinstance(data, dict) else {}))
        return events

    async def signals(self, session_id: str) -> InterviewSignals | None:
        """The interview agent's metrics for the session (None if it kept none)."""
        async with self._conn() as conn:
            row = await conn.fetchrow(
                "SELECT theta, se, avg_prompt_quality, ai_dependency"
                " FROM internal.session_metrics WHERE session_id = $1", session_id)
        return None if row is None else InterviewSignals(**dict(row))

    async def theta_path(self, session_id: str) -> list[ThetaPoint]:
        async with self._conn() as conn:
            rows = await conn.fetch(
                "SELECT seq, event_ts, theta, se FROM internal.theta_trajectory"
                " WHERE session_id = $1 ORDER BY seq, event_ts", session_id)
        return [ThetaPoint(r["seq"], r["event_ts"], r["theta"], r["se"]) for r in rows]

    # --- evaluations ---------------------------------------------------------
    async def find(self, session_id: str, rubric_version: str) -> StoredEvaluation | None:
        async with self._conn() as conn:
            row = await conn.fetchrow(
                f"SELECT {_COLUMNS} FROM internal.evaluations"
                " WHERE session_id = $1 AND rubric_version = $2", session_id, rubric_version)
        return None if row is None else StoredEvaluation.from_row(row)

    async def get(self, evaluation_id: str) -> StoredEvaluation | None:
        async with self._conn() as conn:
            row = await conn.fetchrow(
                f"SELECT {_COLUMNS} FROM internal.evaluations WHERE evaluation_id = $1",
                evaluation_id)
        return None if row is None else StoredEvaluation.from_row(row)

    async def save(self, stored: StoredEvaluation, *, queue: bool = False,
                   only_if_pending: bool = False) -> bool:
        """Upsert the evaluation; ``queue`` adds it to the batch queue, else leaves it.

        A final result stored with ``queue=False`` by the realtime path supersedes a
        queued review (its queue row is removed). ``only_if_pending`` (batch completion)
        updates only a row still ``llm-pending``. Returns whether the row was written.

        A written row drops the reports rendered from the result it replaced, in the
        same transaction, so a stale score is never served: ``generate-report`` and
        ``report show`` render them again from the stored evaluation.
        """
        updates = ", ".join(f"{c.strip()} = EXCLUDED.{c.strip()}"
                            for c in _COLUMNS.split(",")[3:])
        async with self._conn() as conn, conn.transaction():
            written = await conn.fetchval(
                f"INSERT INTO internal.evaluations ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5,"
                " $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13)"
                f" ON CONFLICT (session_id, rubric_version) DO UPDATE SET {updates},"
                " updated_at = now() WHERE NOT $14::boolean"
                " OR internal.evaluations.mode = 'llm-pending' RETURNING evaluation_id",
                *stored.values(), only_if_pending)
            if written is None:
                return False
            await conn.execute("DELETE FROM internal.reports WHERE evaluation_id = $1",
                               written)
            if queue:
                await conn.execute(
                    "INSERT INTO internal.llm_batch_requests (evaluation_id, session_id,"
                    " rubric_version) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    written, stored.session_id, stored.rubric_version)
            elif not only_if_pending:
                await conn.execute("DELETE FROM internal.llm_batch_requests"
                                   " WHERE evaluation_id = $1", written)
            return True

    async def claim_announcement(self, evaluation_id: str, origin: str) -> bool:
        """Whether ``origin`` announces this final evaluation (the first claim wins).

        Returns True for the first claimant and for that same claimant again (a
        redelivered job whose send may have been lost); False for anyone else, and
        for a result still ``llm-pending``.
        """
        async with self._conn() as conn:
            owner = await conn.fetchval(
                "UPDATE internal.evaluations SET announced_by = COALESCE(announced_by, $2)"
                " WHERE evaluation_id = $1 AND mode <> 'llm-pending' RETURNING announced_by",
                evaluation_id, origin)
        return bool(owner == origin)

    async def latest_session(self, candidate_id: str) -> str | None:
        """The candidate's session with the newest recorded event (None if none known).

        Sessions are tied to candidates by the interview agent's metrics (session
        start or end) or by a stored evaluation (the analyze names the candidate).
        """
        async with self._conn() as conn:
            return await conn.fetchval(  # type: ignore[no-any-return]
                "SELECT s.session_id FROM (SELECT session_id FROM internal.session_metrics"
                " WHERE candidate_id = $1 UNION SELECT session_id FROM internal.evaluations"
                " WHERE candidate_id = $1) s LEFT JOIN LATERAL (SELECT max(event_ts) AS last"
                " FROM internal.session_events e WHERE e.session_id = s.session_id) t ON true"
                " ORDER BY t.last DESC NULLS LAST, s.session_id LIMIT 1", candidate_id)

    async def final_scores(self, rubric_version: str) -> dict[str, float]:
        """Each candidate's latest final overall score under ``rubric_version``."""
        async with self._conn() as conn:
            rows = await conn.fetch(
                "SELECT DISTINCT ON (candidate_id) candidate_id, overall_score"
                " FROM internal.evaluations WHERE rubric_version = $1"
                " AND mode <> 'llm-pending' AND candidate_id IS NOT NULL"
                " ORDER BY candidate_id, updated_at DESC", rubric_version)
        return {r["candidate_id"]: float(r["overall_score"]) for r in rows}

    # --- reports -------------------------------------------------------------
    async def store_report(self, evaluation_id: str, fmt: str, content: bytes) -> None:
        async with self._conn() as conn:
            await conn.execute(
                "INSERT INTO internal.reports (evaluation_id, format, content)"
                " VALUES ($1, $2, $3) ON CONFLICT (evaluation_id, format)"
                " DO UPDATE SET content = EXCLUDED.content, created_at = now()",
                evaluation_id, fmt, content)

    async def report(self, evaluation_id: str, fmt: str) -> bytes | None:
        async with self._conn() as conn:
            value = await conn.fetchval(
                "SELECT content FROM internal.reports WHERE evaluation_id = $1"
                " AND format = $2", evaluation_id, fmt)
        return None if value is None else bytes(value)

    # --- the LLM batch queue ---------------------------------------------------
    async def pending_reviews(self, limit: int) -> list[PendingReview]:
        """Queued, not yet submitted reviews, oldest first."""
        return await self._queue("status = 'pending' ORDER BY queued_at LIMIT $1", limit)

    async def submitted_reviews(self) -> list[PendingReview]:
        """Reviews inside a submitted batch, grouped by batch id."""
        return await self._queue("status = 'submitted' ORDER BY batch_id, evaluation_id")

    async def _queue(self, where: str, *args: Any) -> list[PendingReview]:
        async with self._conn() as conn:
            rows = await conn.fetch(
                "SELECT evaluation_id, session_id, rubric_version, status, batch_id,"
                f" queued_at, submitted_at FROM internal.llm_batch_requests WHERE {where}",
                *args)
        return [PendingReview(**dict(r)) for r in rows]

    async def mark_submitted(self, evaluation_ids: list[str], batch_id: str) -> None:
        async with self._conn() as conn:
            await conn.execute(
                "UPDATE internal.llm_batch_requests SET status = 'submitted', batch_id = $2,"
                " submitted_at = now() WHERE evaluation_id = ANY($1::text[])"
                " AND status = 'pending'", evaluation_ids, batch_id)

    async def dequeue(self, evaluation_id: str, batch_id: str | None) -> None:
        async with self._conn() as conn:
            await conn.execute(
                "DELETE FROM internal.llm_batch_requests WHERE evaluation_id = $1"
                " AND batch_id IS NOT DISTINCT FROM $2", evaluation_id, batch_id)

    @asynccontextmanager
    async def batch_lock(self) -> AsyncIterator[bool]:
        """Yields True when this process may run the batch coordinator (others skip)."""
        async with self._conn() as conn:
            held = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", _BATCH_LOCK_ID))
            try:
                yield held
            finally:
                if held:
                    await conn.execute("SELECT pg_advisory_unlock($1)", _BATCH_LOCK_ID)
