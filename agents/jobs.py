"""Job processing with non-blocking retries, for the evaluation and notification workers.

Unlike interview events, jobs do not depend on each other's order, so one
failing job must not hold up the rest. A transient failure re-queues the job on
``<topic>.retry`` with its next attempt number and a due time; the retry agent
waits until the job is due and runs it again. After the last attempt, or at once
for a permanent error, the job goes to ``<topic>.dlq`` and ``failed_jobs``.

Headers on a retried message: ``x-attempt`` (1-based), ``x-due-at`` (epoch
seconds), ``x-origin`` (the first ``topic:partition:offset``), ``x-last-error``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from adapters.db.errors import WriteRefused
from adapters.db.failed_jobs import FailedJob
from agents.isolate import store_isolating_refused
from agents.lanes import run_in_lanes
from agents.messages import BatchResult, DeadLetter, OutMessage, RawMessage, safe_text
from agents.retry import RetryPolicy
from runtime.errors import TransientError
from runtime.logs import get_logger
from runtime.metrics import RETRIES
from streams.codec import decode_normalised
from streams.errors import ContractError
from streams.events import Event
from streams.topics import TopicNames, dead_letter_topic, retry_topic, source_topic

__all__ = ["JobHandler", "JobRunner", "attempt_of", "due_at", "origin_of"]

#: Handles one decoded job; returns the messages to publish once it succeeded.
JobHandler = Callable[[Event, RawMessage], Awaitable[list[OutMessage]]]


def attempt_of(msg: RawMessage) -> int:
    raw = msg.header("x-attempt")
    return int(raw) if raw and raw.isdigit() else 1


def due_at(msg: RawMessage) -> float:
    raw = msg.header("x-due-at")
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0


def origin_of(msg: RawMessage) -> str:
    """Where the job first arrived (``topic:partition:offset``), kept across retries."""
    raw = msg.header("x-origin")
    return raw.decode() if raw else msg.event_id


@dataclass
class JobRunner:
    """Runs a batch of jobs: in order per session, ``lanes`` sessions at a time."""

    worker: str
    handler: JobHandler
    policy: RetryPolicy
    send: Callable[[OutMessage], Awaitable[None]]
    record_failed: Callable[[list[FailedJob]], Awaitable[None]]
    names: TopicNames
    lanes: int = 5
    max_bytes: int = 1_000_000
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def process(self, messages: Sequence[RawMessage]) -> BatchResult:
        result = BatchResult()
        jobs = [job for job in (self._decode(m, result) for m in messages) if job is not None]
        # Lanes by session id, not by message key: a BullMQ job id as the key must not
        # let two jobs of one session run at once.
        await run_in_lanes(jobs, lambda job: job[1].data.session_id.encode(),
                           lambda job: self._one(*job, result), self.lanes)
        if result.dead_letters:
            await self._record([d.failed_job() for d in result.dead_letters])
        for letter in result.dead_letters:
            base = self._base_topic(letter.message)
            result.out.append(letter.out_message(self.names(dead_letter_topic(base))))
        for out in result.out:
            await self.send(out)
        return result

    async def _record(self, jobs: list[FailedJob]) -> None:
        """Store dead letters before they are published, waiting out a database outage.

        A row PostgreSQL refuses is isolated, logged and skipped: its message still goes
        to the dead-letter topic, and one bad row never blocks the others.
        """
        async def refused(job: FailedJob, exc: WriteRefused) -> None:
            get_logger(self.worker).error(
                "failed_job_refused", None, topic=job.source_topic, partition=job.partition,
                offset=job.offset, sqlstate=exc.sqlstate)

        attempt = 0
        while True:
            try:
                await store_isolating_refused(
                    jobs, lambda part: self.record_failed(list(part)), refused)
                return
            except TransientError as exc:
                attempt += 1
                delay = min(self.policy.delay(attempt), 10.0)
                get_logger(self.worker).warning("failed_job_write_retry", None, attempt=attempt,
                                                delay_seconds=delay,
                                                error_type=type(exc).__name__)
                await self.sleep(delay)

    def _base_topic(self, msg: RawMessage) -> str:
        """``t1.evaluation.retry`` -> ``evaluation`` (the topic the job belongs to)."""
        base = self.names.base(msg.topic)
        return base.removesuffix(".retry")

    def _decode(self, msg: RawMessage, result: BatchResult) -> tuple[RawMessage, Event] | None:
        """The job and its event (a BullMQ shape becomes its envelope, so a retry no
        longer needs the original headers); None once a bad one is dead-lettered."""
        try:
            event, body = decode_normalised(msg.value, topic=self._base_topic(msg),
                                            max_bytes=self.max_bytes, headers=msg.headers)
        except ContractError as exc:
            self._dead(result, msg, exc.reason, exc, exc.event_type or "unknown")
            return None
        return (msg if body is msg.value else dataclasses.replace(msg, value=body)), event

    async def _one(self, msg: RawMessage, event: Event, result: BatchResult) -> None:
        wait = due_at(msg) - self.clock()
        if wait > 0:
            await self.sleep(wait)
        try:
            result.out.extend(await self.handler(event, msg))
            result.count(event.type, "ok")
        except TransientError as exc:
            self._retry_or_dead(result, msg, event, exc)
        except Exception as exc:  # permanent by default: retrying a bug never helps
            self._dead(result, msg, "permanent_error", exc, event.type, attempt_of(msg),
                       with_trace=True)

    def _retry_or_dead(self, result: BatchResult, msg: RawMessage, event: Event,
                       exc: TransientError) -> None:
        attempt = attempt_of(msg)
        if attempt >= self.policy.attempts:
            self._dead(result, msg, "retries_exhausted", exc, event.type, attempt, True)
            return
        wait = exc.retry_after if exc.retry_after is not None else self.policy.delay(attempt)
        due = self.clock() + wait
        headers = (
            ("x-attempt", str(attempt + 1).encode()),
            ("x-due-at", f"{due:.3f}".encode()),
            ("x-origin", origin_of(msg).encode()),
            ("x-last-error", safe_text(f"{type(exc).__name__}: {exc}"[:500]).encode()),
        )
        topic = self.names(retry_topic(self._base_topic(msg)))
        result.out.append(OutMessage(topic, msg.key, msg.value, headers))
        result.count(event.type, "retry")
        RETRIES.labels(source_topic(msg.topic)).inc()

    def _dead(self, result: BatchResult, msg: RawMessage, reason: str, exc: BaseException,
              event_type: str, attempts: int = 1, with_trace: bool = False) -> None:
        letter = DeadLetter.from_exception(msg, self.worker, reason, exc, attempts, with_trace)
        result.dead_letters.append(letter)
        result.count(event_type, "dead_letter")
        get_logger(self.worker).warning(
            "dead_letter", None, reason=reason, topic=msg.topic, partition=msg.partition,
            offset=msg.offset, error_type=type(exc).__name__)
