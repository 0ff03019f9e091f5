"""Batch mode: non-urgent LLM reviews through the Message Batches API, at half price.

Design. The ``analyze`` job never waits for a batch: it stores the deterministic
result with mode ``llm-pending`` and a row in ``internal.llm_batch_requests``
(custom_id = the opaque evaluation id). A timer in the evaluation worker calls
:meth:`BatchCoordinator.tick` every LLM_BATCH_INTERVAL_SECONDS; one worker at a
time runs it (a PostgreSQL advisory lock), so replicas never double-submit.
Each tick:

1. **collect**: for every submitted batch, one ``retrieve``; once it has ended,
   results are mapped back by custom_id. A succeeded entry re-scores the session
   with the review (mode ``llm``, batch-priced usage and cost); an errored,
   expired, canceled, malformed or missing entry falls back to the deterministic
   result, flagged ``llm_method_dropped`` (mode ``fallback``). A batch still
   running past LLM_BATCH_DEADLINE_SECONDS is cancelled and falls back likewise.
2. **submit**: when LLM_BATCH_MIN_REQUESTS reviews wait, or the oldest waited
   LLM_BATCH_MAX_WAIT_SECONDS, up to LLM_BATCH_MAX_REQUESTS go into one batch.

A completed evaluation is stored, then ``evaluation-complete`` is published, then
its queue row is deleted: a crash in between repeats the completion (at least
once; the message's eventId stays the same), never loses it. API outages leave
rows where they are for the next tick. A crash between the API accepting a batch
and the rows being marked submitted would submit those reviews again (paying
twice for them); that window is one database round trip.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Protocol

from adapters.db.evaluations_repo import PendingReview, StoredEvaluation
from adapters.llm import (
    BatchOutcome,
    BatchRunner,
    LLMClient,
    LLMError,
    LLMUnavailable,
    batch_status,
    cancel_batch,
)
from agents.evaluation import EvaluationStore, Evaluator, completion_message
from agents.evaluation_service import Review, review_request, review_validator
from agents.messages import OutMessage
from agents.recording_close import close_recording
from assess.evaluation import EvaluationError, LLMReview
from assess.recording import RecordedEvent
from runtime.logs import get_logger
from runtime.settings import Settings
from streams.topics import TopicNames

__all__ = ["BatchCoordinator", "BatchQueue"]

log = get_logger("evaluation-batches")
Sender = Callable[[OutMessage], Awaitable[None]]


class BatchQueue(EvaluationStore, Protocol):
    """The queue half of ``EvaluationsRepo``."""

    async def pending_reviews(self, limit: int) -> list[PendingReview]: ...
    async def submitted_reviews(self) -> list[PendingReview]: ...
    async def mark_submitted(self, evaluation_ids: list[str], batch_id: str) -> None: ...
    async def dequeue(self, evaluation_id: str, batch_id: str | None) -> None: ...
    def batch_lock(self) -> AbstractAsyncContextManager[bool]: ...


class BatchCoordinator:
    """Submits queued reviews as Message Batches and completes their evaluations."""

    def __init__(self, evaluator: Evaluator, queue: BatchQueue, client: LLMClient,
                 send: Sender, names: TopicNames,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.evaluator, self.queue, self.client = evaluator, queue, client
        self.send, self.names, self.now = send, names, now

    @property
    def settings(self) -> Settings:
        return self.evaluator.settings

    async def tick(self) -> None:
        """One round: collect ended batches, then submit waiting reviews."""
        async with self.queue.batch_lock() as held:
            if held:
                await self.collect()
                await self.submit()

    async def collect(self) -> None:
        rows = await self.queue.submitted_reviews()
        for batch_id, group in itertools.groupby(rows, key=lambda r: r.batch_id or ""):
            await self._collect_one(batch_id, list(group))

    async def _collect_one(self, batch_id: str, rows: list[PendingReview]) -> None:
        try:
            status = await batch_status(self.client, batch_id)
        except LLMError as exc:
            log.warning("llm_batch_poll_failed", batch_id=batch_id,
                        error_type=type(exc).__name__)
            return
        if status == "ended":
            await self._complete(batch_id, rows)
            return
        submitted = min(r.submitted_at or r.queued_at for r in rows)
        if (self.now() - submitted).total_seconds() > self.settings.llm_batch_deadline_seconds:
            await cancel_batch(self.client, batch_id)
            log.warning("llm_batch_deadline_passed", batch_id=batch_id, requests=len(rows))
            for row in rows:
                await self._finish(row, self._dropped("the batch did not end in time"))

    async def _complete(self, batch_id: str, rows: list[PendingReview]) -> None:
        runner: BatchRunner[dict[str, LLMReview]] = BatchRunner(self.client)
        prepared = await self._requests(rows, runner)
        try:
            outcome = await runner.collect(batch_id)
        except LLMError as exc:
            log.warning("llm_batch_collect_failed", batch_id=batch_id,
                        error_type=type(exc).__name__)
            return
        for row, recording in prepared:
            await self._finish(row, self._review_for(row.evaluation_id, outcome), recording)

    def _review_for(self, custom_id: str, outcome: BatchOutcome[dict[str, LLMReview]]) -> Review:
        result = outcome.succeeded.get(custom_id)
        if result is not None:
            return Review("used", result.value, model=result.model, channel="batch",
                          usage=result.usage, cost=result.cost, calls=1)
        failure = outcome.failed.get(custom_id)
        kind = failure.kind if failure is not None else "missing"
        detail = f" ({failure.detail})" if failure is not None and failure.detail else ""
        return self._dropped(f"batch entry {kind}{detail}")

    def _dropped(self, reason: str) -> Review:
        return Review("dropped", model=self.settings.evaluation_model, channel="batch",
                      reason=reason)

    async def submit(self) -> None:
        rows = await self.queue.pending_reviews(self.settings.llm_batch_max_requests)
        if not rows:
            return
        waited = (self.now() - rows[0].queued_at).total_seconds()
        if len(rows) < self.settings.llm_batch_min_requests and \
                waited < self.settings.llm_batch_max_wait_seconds:
            return
        runner: BatchRunner[dict[str, LLMReview]] = BatchRunner(self.client)
        prepared = await self._requests(rows, runner)
        if not prepared:
            return
        try:
            batch_id = await runner.submit()
        except LLMUnavailable:
            log.warning("llm_batch_submit_deferred", requests=len(prepared))
            return
        except LLMError as exc:  # refused or over budget: retrying cannot help
            log.warning("llm_batch_refused", requests=len(prepared),
                        error_type=type(exc).__name__)
            for row, recording in prepared:
                await self._finish(row, self._dropped(f"the batch was refused: {exc}"),
                                   recording)
            return
        await self.queue.mark_submitted([row.evaluation_id for row, _ in prepared], batch_id)

    async def _requests(self, rows: list[PendingReview], runner: BatchRunner[
            dict[str, LLMReview]]) -> list[tuple[PendingReview, list[RecordedEvent]]]:
        """Add each row's review request to ``runner``; rows whose session cannot be
        reviewed any more (recording gone or incomplete) are taken off the queue."""
        prepared = []
        for row in rows:
            recording = close_recording(await self.queue.recording(row.session_id),
                                        row.session_id, None)
            try:
                request = review_request(recording, self.evaluator.rubric, self.settings)
            except EvaluationError:
                log.warning("llm_batch_request_dropped", row.session_id,
                            evaluation_id=row.evaluation_id)
                await self.queue.dequeue(row.evaluation_id, row.batch_id)
                continue
            runner.add(row.evaluation_id, request, review_validator(recording))
            prepared.append((row, recording))
        return prepared

    async def _finish(self, row: PendingReview, review: Review,
                      recording: list[RecordedEvent] | None = None) -> None:
        """Store the final result (if still pending), announce it, then dequeue."""
        current = await self.queue.get(row.evaluation_id)
        if current is not None and not current.final:
            if recording is None:
                recording = close_recording(await self.queue.recording(row.session_id),
                                        row.session_id, None)
            current = await self._rescore(row, current.candidate_id, review, recording)
        if current is not None and current.final and await self.queue.claim_announcement(
                row.evaluation_id, f"batch:{row.batch_id}"):
            await self.send(completion_message(current, self.names))
        await self.queue.dequeue(row.evaluation_id, row.batch_id)

    async def _rescore(self, row: PendingReview, candidate_id: str | None, review: Review,
                       recording: list[RecordedEvent]) -> StoredEvaluation | None:
        """The evaluation re-scored with ``review``; what is stored if another path won."""

        async def known() -> Review:
            return review

        try:
            stored, written = await self.evaluator.rescore(
                recording, row.session_id, candidate_id, known, only_if_pending=True)
        except EvaluationError:
            log.warning("llm_batch_rescore_failed", row.session_id,
                        evaluation_id=row.evaluation_id)
            return None
        return stored if written else await self.queue.get(row.evaluation_id)
