"""An in-memory stand-in for ``EvaluationsRepo`` (the real one is tested on PostgreSQL).

Same semantics as the SQL: upsert on (session, rubric version) keeping the first
evaluation id, ``only_if_pending`` guards, the batch queue rows and one lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from adapters.db.evaluations_repo import PendingReview, StoredEvaluation, ThetaPoint
from assess.evaluation import InterviewSignals
from assess.recording import RecordedEvent


class MemoryStore:
    """Recordings and signals in, evaluations, reports and queue rows out."""

    def __init__(self) -> None:
        self.recordings: dict[str, list[RecordedEvent]] = {}
        self.metrics: dict[str, InterviewSignals] = {}
        self.thetas: dict[str, list[ThetaPoint]] = {}
        self.evaluations: dict[tuple[str, str], StoredEvaluation] = {}
        self.reports: dict[tuple[str, str], bytes] = {}
        self.queue: dict[str, PendingReview] = {}
        self.saves = 0
        self.announced: dict[str, str] = {}
        self.candidates: dict[str, set[str]] = {}
        self.locked = False

    def add_session(self, recording: list[RecordedEvent],
                    signals: InterviewSignals | None = None) -> str:
        session_id = str(recording[0].data["sessionId"])
        self.recordings[session_id] = recording
        if signals is not None:
            self.metrics[session_id] = signals
        return session_id

    async def recording(self, session_id: str) -> list[RecordedEvent]:
        return list(self.recordings.get(session_id, []))

    async def signals(self, session_id: str) -> InterviewSignals | None:
        return self.metrics.get(session_id)

    async def theta_path(self, session_id: str) -> list[ThetaPoint]:
        return list(self.thetas.get(session_id, []))

    async def find(self, session_id: str, rubric_version: str) -> StoredEvaluation | None:
        return self.evaluations.get((session_id, rubric_version))

    async def get(self, evaluation_id: str) -> StoredEvaluation | None:
        return next((e for e in self.evaluations.values()
                     if e.evaluation_id == evaluation_id), None)

    async def save(self, stored: StoredEvaluation, *, queue: bool = False,
                   only_if_pending: bool = False) -> bool:
        key = (stored.session_id, stored.rubric_version)
        existing = self.evaluations.get(key)
        if existing is not None and only_if_pending and existing.mode != "llm-pending":
            return False
        if existing is not None:
            stored = dataclasses.replace(stored, evaluation_id=existing.evaluation_id)
        self.evaluations[key] = stored
        self.saves += 1
        if queue:
            self.queue.setdefault(stored.evaluation_id, PendingReview(
                stored.evaluation_id, stored.session_id, stored.rubric_version, "pending",
                None, datetime.now(UTC), None))
        elif not only_if_pending:
            self.queue.pop(stored.evaluation_id, None)
        return True

    async def claim_announcement(self, evaluation_id: str, origin: str) -> bool:
        stored = await self.get(evaluation_id)
        if stored is None or not stored.final:
            return False
        owner = self.announced.setdefault(evaluation_id, origin)
        return owner == origin

    async def latest_session(self, candidate_id: str) -> str | None:
        known = {e.session_id for e in self.evaluations.values() if e.candidate_id == candidate_id}
        known |= self.candidates.get(candidate_id, set())
        if not known:
            return None
        return max(sorted(known), key=lambda s: max(
            (e.timestamp for e in self.recordings.get(s, [])), default=datetime.min.replace(
                tzinfo=UTC)))

    async def store_report(self, evaluation_id: str, fmt: str, content: bytes) -> None:
        self.reports[(evaluation_id, fmt)] = content

    async def pending_reviews(self, limit: int) -> list[PendingReview]:
        rows = sorted((r for r in self.queue.values() if r.status == "pending"),
                      key=lambda r: r.queued_at)
        return rows[:limit]

    async def submitted_reviews(self) -> list[PendingReview]:
        return sorted((r for r in self.queue.values() if r.status == "submitted"),
                      key=lambda r: (r.batch_id or "", r.evaluation_id))

    async def mark_submitted(self, evaluation_ids: list[str], batch_id: str) -> None:
        for evaluation_id in evaluation_ids:
            row = self.queue.get(evaluation_id)
            if row is not None and row.status == "pending":
                self.queue[evaluation_id] = dataclasses.replace(
                    row, status="submitted", batch_id=batch_id, submitted_at=datetime.now(UTC))

    async def dequeue(self, evaluation_id: str, batch_id: str | None) -> None:
        row = self.queue.get(evaluation_id)
        if row is not None and row.batch_id == batch_id:
            del self.queue[evaluation_id]

    @asynccontextmanager
    async def batch_lock(self) -> AsyncIterator[bool]:
        held = not self.locked
        self.locked = True
        try:
            yield held
        finally:
            if held:
                self.locked = False
