"""The evaluation agent's work: score a completed session, store it, announce it.

:class:`Evaluator` reads a session's recording and interview signals through a
store (``EvaluationsRepo`` in production), scores it with
:mod:`agents.evaluation_service`, upserts the result on (session id, rubric
version) and builds the ``evaluation-complete`` message. :class:`EvaluationHandler`
is the :class:`agents.jobs.JobRunner` handler for ``analyze`` and
``generate-report`` jobs.

Which LLM path an ``analyze`` takes:

* no API key: deterministic methods only (mode ``offline``), never an error;
* urgent (from ``evaluation-urgent`` or priority >= EVALUATION_URGENT_PRIORITY), or
  batches disabled: a realtime call, the result is final at once;
* otherwise the deterministic result is stored with mode ``llm-pending`` and the
  review is queued for a Message Batch (:mod:`agents.evaluation_batches`), which
  completes the evaluation and only then publishes ``evaluation-complete``.

When is a session scorable? At once when its recording holds ``session-complete``.
The platform's submit route sends only ``analyze`` (no session-complete), so
otherwise the first attempt waits out ``ANALYZE_GRACE_SECONDS`` after the analyze's
timestamp for late events, and then whatever is recorded is scored, closed at its
last event (:mod:`agents.recording_close`). Nothing
recorded is retried and finally dead-lettered (:class:`NotScorable`).

One ``evaluation-complete`` per evaluation: the first job that holds a final result
claims the announcement (:meth:`EvaluationStore.claim_announcement`, keyed by the
job's origin); only it publishes, again only when it is itself redelivered.

An analyze for an unchanged recording (same event ids) whose stored result already
used, or is waiting for, the LLM is not scored again: redeliveries never pay twice.
Two exceptions: an urgent analyze takes a review still waiting in a batch to
realtime, and an ``offline`` result is re-scored once an API key is configured.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from adapters.db.evaluations_repo import StoredEvaluation, ThetaPoint, evaluation_id_for
from adapters.llm import LLMClient
from adapters.reports import check_format, load_report_data, render_report
from agents.evaluation_service import (
    Review,
    Scored,
    realtime_review,
    recording_digest,
    redact_terms,
    review_request,
    rubric_from,
    score,
    static_analysis,
)
from agents.jobs import attempt_of, origin_of
from agents.messages import OutMessage, RawMessage
from agents.recording_close import close_recording
from agents.retry import EVALUATION_POLICY
from assess.evaluation import InterviewSignals, Rubric
from assess.recording import RecordedEvent
from runtime.errors import PermanentError, TransientError
from runtime.logs import get_logger
from runtime.metrics import EVALUATION_DURATION, EVALUATIONS
from runtime.settings import Settings
from streams.codec import encode
from streams.events import Analyze, Comprehensive, EvaluationComplete, Event, GenerateReport
from streams.topics import EVALUATION_URGENT, NOTIFICATION, TopicNames

__all__ = [
    "WORKER",
    "EvaluationHandler",
    "EvaluationStore",
    "Evaluator",
    "NotReady",
    "NotScorable",
    "completion_message",
]

WORKER = "evaluation-agent"
log = get_logger(WORKER)
#: Produces the review at scoring time (a realtime call, or an outcome already known).
ReviewSource = Callable[[], Awaitable[Review]]


class NotReady(TransientError):
    """What the job needs is not stored yet (it may be in flight); retried."""


class NotScorable(PermanentError):
    """Still missing at the job's last attempt: dead-lettered with this message."""


class EvaluationStore(Protocol):
    """The evaluation agent's storage (``EvaluationsRepo``)."""

    async def recording(self, session_id: str) -> list[RecordedEvent]: ...
    async def signals(self, session_id: str) -> InterviewSignals | None: ...
    async def theta_path(self, session_id: str) -> list[ThetaPoint]: ...
    async def find(self, session_id: str, rubric_version: str) -> StoredEvaluation | None: ...
    async def get(self, evaluation_id: str) -> StoredEvaluation | None: ...
    async def save(self, stored: StoredEvaluation, *, queue: bool = False,
                   only_if_pending: bool = False) -> bool: ...
    async def store_report(self, evaluation_id: str, fmt: str, content: bytes) -> None: ...
    async def claim_announcement(self, evaluation_id: str, origin: str) -> bool: ...
    async def latest_session(self, candidate_id: str) -> str | None: ...


def completion_message(stored: StoredEvaluation, names: TopicNames) -> OutMessage:
    """``evaluation-complete`` on the notification topic, keyed by session id.

    ``eventId`` names the evaluation and its rubric version (not a time or a score),
    so every copy of one evaluation's completion is recognisable downstream, and the
    notification worker dedupes on the same two values.
    """
    event = EvaluationComplete.model_validate({
        "type": "evaluation-complete",
        "eventId": f"evaluation-complete:{stored.evaluation_id}:{stored.rubric_version}",
        "data": {"sessionId": stored.session_id, "timestamp": datetime.now(UTC).isoformat(),
                 "candidateId": stored.candidate_id or "unknown",
                 "evaluationId": stored.evaluation_id,
                 "rubricVersion": stored.rubric_version,
                 "overallScore": round(stored.overall_score, 2)}})
    return OutMessage(names(NOTIFICATION), stored.session_id.encode(), encode(event))


@dataclass
class Evaluator:
    """Scores sessions and stores the results; shared by the handler and the batch path."""

    store: EvaluationStore
    settings: Settings
    client: LLMClient | None = None
    attempts: int = EVALUATION_POLICY.attempts
    rubric: Rubric = field(init=False)

    def __post_init__(self) -> None:
        self.rubric = rubric_from(self.settings)

    async def analyze(self, session_id: str, candidate_id: str, *, urgent: bool,
                      attempt: int = 1, requested_at: datetime | None = None
                      ) -> StoredEvaluation:
        """Score and store one session; returns the stored (maybe reused) evaluation.

        ``requested_at`` is the analyze's own timestamp: the grace period for late
        events runs from it.
        """
        recording = close_recording(
            await self.scorable_recording(session_id, attempt, requested_at),
            session_id, candidate_id)
        digest = recording_digest(recording)
        existing = await self.store.find(session_id, self.rubric.version)
        if self._reusable(existing, digest, urgent):
            assert existing is not None
            log.info("evaluation_reused", session_id, evaluation_id=existing.evaluation_id,
                     mode=existing.mode)
            return existing
        final_attempt = attempt >= self.attempts

        async def review() -> Review:
            return await self._review(recording, urgent=urgent, final_attempt=final_attempt)

        stored, _ = await self.rescore(recording, session_id, candidate_id, review)
        return stored

    async def scorable_recording(self, session_id: str, attempt: int,
                                 requested_at: datetime | None = None) -> list[RecordedEvent]:
        """The recording once it may be scored (see the module docstring).

        Raises :class:`NotReady` (transient) while the grace period runs, with
        ``retry_after`` set to what is left of it, or while nothing is recorded;
        :class:`NotScorable` (permanent: dead letter) at the last attempt with
        nothing recorded.
        """
        recording = await self.store.recording(session_id)
        if any(event.type == "session-complete" for event in recording):
            return recording
        wait = self._grace_left(requested_at) if attempt == 1 else 0.0
        if wait > 0:
            raise NotReady(f"session {session_id} has no session-complete; waiting "
                           f"{wait:.1f} s for late events", retry_after=wait)
        if recording:
            return recording
        if attempt < self.attempts:
            raise NotReady(f"no events recorded for session {session_id} yet; will retry")
        raise NotScorable(f"refusing to score session {session_id}: no events recorded "
                          f"after {attempt} attempts; an unknown session cannot be evaluated")

    def _grace_left(self, requested_at: datetime | None) -> float:
        """Seconds of the grace period still to wait (never more than the period itself,
        so a producer clock running ahead cannot hold a job for longer)."""
        grace = self.settings.analyze_grace_seconds
        if grace <= 0:
            return 0.0
        if requested_at is None:
            return grace
        left = requested_at.timestamp() + grace - time.time()
        return max(0.0, min(grace, left))

    def _reusable(self, existing: StoredEvaluation | None, digest: str, urgent: bool) -> bool:
        """Same recording, and nothing better to get: an urgent request upgrades a
        pending batch review to realtime, a key upgrades an offline result."""
        if existing is None or existing.recording_digest != digest:
            return False
        if existing.mode == "llm-pending":
            return not urgent or self.client is None
        return existing.mode != "offline" or self.client is None

    async def _review(self, recording: list[RecordedEvent], *, urgent: bool,
                      final_attempt: bool) -> Review:
        if self.client is None:
            return Review("offline")
        if urgent or not self.settings.llm_batch_enabled:
            return await realtime_review(self.client, recording, self.rubric, self.settings,
                                         final_attempt=final_attempt)
        request = review_request(recording, self.rubric, self.settings)
        estimate = request.estimate(self.client.prices, batch=True)
        budget = self.settings.llm_budget_evaluation_dollars
        if estimate > budget:
            return Review("dropped", model=request.model, channel="batch",
                          reason=f"budget ${budget:.2f} per evaluation: the batch call could "
                                 f"cost up to ${estimate:.4f}")
        return Review("pending", model=request.model, channel="batch")

    async def rescore(self, recording: list[RecordedEvent], session_id: str,
                      candidate_id: str | None, review: ReviewSource,
                      only_if_pending: bool = False) -> tuple[StoredEvaluation, bool]:
        """Score with the review ``review()`` gives, store; returns (row, whether written)."""
        started = time.perf_counter()
        signals = await self.store.signals(session_id)
        static = await static_analysis(recording)
        scored = score(recording, rubric=self.rubric, signals=signals, static=static,
                       review=await review(), redact=redact_terms(recording, [candidate_id]))
        stored = self._row(session_id, candidate_id, scored, recording_digest(recording))
        written = await self.store.save(stored, queue=not scored.final,
                                        only_if_pending=only_if_pending)
        seconds = time.perf_counter() - started
        EVALUATION_DURATION.observe(seconds)
        if written and scored.final:
            EVALUATIONS.labels("needs_review" if stored.needs_review else "ok").inc()
        log.info("evaluation_stored" if written else "evaluation_superseded", session_id,
                 evaluation_id=stored.evaluation_id, mode=stored.mode,
                 duration_seconds=round(seconds, 3), cost_dollars=round(stored.cost_dollars, 6))
        return stored, written

    def _row(self, session_id: str, candidate_id: str | None, scored: Scored,
             digest: str) -> StoredEvaluation:
        ev = scored.evaluation
        return StoredEvaluation(
            evaluation_id=evaluation_id_for(session_id, self.rubric.version),
            session_id=session_id, rubric_version=self.rubric.version,
            candidate_id=candidate_id, overall_score=ev.overall_score,
            overall_confidence=ev.overall_confidence, needs_review=ev.needs_review,
            mode=scored.mode, model=ev.model, result=scored.result, usage=scored.usage,
            cost_dollars=scored.cost, recording_digest=digest)


class EvaluationHandler:
    """JobRunner handler: ``analyze`` scores a session (``comprehensive``: a candidate's
    latest session), ``generate-report`` renders one.

    At most ``limit`` evaluations of this handler run at once (EVALUATION_CONCURRENCY).
    """

    def __init__(self, evaluator: Evaluator, names: TopicNames,
                 limit: asyncio.Semaphore | None = None) -> None:
        self.evaluator, self.names = evaluator, names
        self.limit = limit or asyncio.Semaphore(evaluator.settings.evaluation_concurrency)

    async def __call__(self, event: Event, msg: RawMessage) -> list[OutMessage]:
        attempt = attempt_of(msg)
        async with self.limit:
            if isinstance(event, Analyze):
                return await self._analyze(event, msg, attempt)
            if isinstance(event, Comprehensive):
                return await self._analyze(await self._as_analyze(event, attempt), msg, attempt)
            if isinstance(event, GenerateReport):
                await self._report(event, attempt)
                return []
            raise PermanentError(f"the evaluation agent does not handle {event.type} events")

    def _urgent(self, event: Analyze, msg: RawMessage) -> bool:
        base = self.names.base(msg.topic).removesuffix(".retry")
        return (base == EVALUATION_URGENT
                or event.data.priority >= self.evaluator.settings.evaluation_urgent_priority)

    async def _analyze(self, event: Analyze, msg: RawMessage, attempt: int) -> list[OutMessage]:
        try:
            stored = await self.evaluator.analyze(
                event.data.session_id, event.data.candidate_id,
                urgent=self._urgent(event, msg), attempt=attempt,
                requested_at=event.data.timestamp)
        except TransientError:
            if attempt >= self.evaluator.attempts:
                EVALUATIONS.labels("failed").inc()
            raise
        except Exception:
            EVALUATIONS.labels("failed").inc()
            raise
        return await self._announce(stored, msg)

    async def _as_analyze(self, event: Comprehensive, attempt: int) -> Analyze:
        """``comprehensive`` names a candidate: analyze that candidate's latest session.

        Latest = the session of this candidate (from the interview agent's metrics or
        a stored evaluation) whose newest recorded event is newest. None known yet is
        retried (the submit analyze naming the session may still be in flight), then
        dead-lettered.
        """
        candidate_id = event.data.candidate_id
        session_id = await self.evaluator.store.latest_session(candidate_id)
        if session_id is None:
            if attempt < self.evaluator.attempts:
                raise NotReady(f"no session known for candidate {candidate_id} yet; will retry")
            raise NotScorable(f"no session known for candidate {candidate_id} after {attempt} "
                              "attempts: nothing to evaluate")
        return Analyze.model_validate({"type": "analyze", "eventId": event.event_id, "data": {
            "sessionId": session_id, "timestamp": event.data.timestamp,
            "candidateId": candidate_id, "priority": event.data.priority}})

    async def _announce(self, stored: StoredEvaluation, msg: RawMessage) -> list[OutMessage]:
        """``evaluation-complete`` if this job owns the announcement, else nothing."""
        if not stored.final:
            return []
        if not await self.evaluator.store.claim_announcement(stored.evaluation_id,
                                                             origin_of(msg)):
            log.info("evaluation_already_announced", stored.session_id,
                     evaluation_id=stored.evaluation_id)
            return []
        return [completion_message(stored, self.names)]

    async def _report(self, event: GenerateReport, attempt: int) -> None:
        evaluation_id, fmt = event.data.evaluation_id, event.data.format
        check_format(fmt)
        data = await load_report_data(self.evaluator.store, evaluation_id)
        if data is None:
            if attempt < self.evaluator.attempts:
                raise NotReady(f"evaluation {evaluation_id} is not stored yet; will retry")
            raise NotScorable(f"no evaluation {evaluation_id}: cannot build its report")
        content = await asyncio.to_thread(render_report, data, fmt)
        await self.evaluator.store.store_report(evaluation_id, fmt, content)
        log.info("report_stored", event.data.session_id, evaluation_id=evaluation_id,
                 format=fmt, bytes=len(content))
