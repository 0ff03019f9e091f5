"""The interview agent's batch processor: decode, reduce, store, publish.

It knows nothing of Faust: the Faust wiring (``agents/faust_app.py``) hands it
batches of :class:`RawMessage` and adapters for the state table, the outbox and
PostgreSQL. Per batch:

1. every message is decoded and folded into its session's state, in order per
   session (lanes hashed by session id); bad input becomes a dead letter;
2. the batch's rows are written to PostgreSQL in one transaction (retried until
   the database answers, so nothing is lost while it is down);
3. only then are the new states written to the changelog-backed table and the
   follow-up messages (adjust-difficulty, analyze, dead letters) produced.

Writing PostgreSQL before the table means a crash can only leave the table
*behind* the database, never ahead: redelivered events are then re-applied and
their upserts are no-ops.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from adapters.db.errors import WriteRefused
from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import EventRow, InterviewWrites
from agents.isolate import store_isolating_refused
from agents.lanes import run_in_lanes
from agents.messages import BatchResult, DeadLetter, OutMessage, RawMessage
from agents.recording import event_key, event_row
from agents.retry import DEFAULT_POLICY, RetryPolicy, TransientError
from agents.session_effects import (
    effect_rows,
    follow_up_messages,
    log_milestones,
)
from runtime.logs import get_logger
from streams.bullmq import key_verdict
from streams.codec import decode_message
from streams.errors import ContractError
from streams.events import AiInteraction, Event, QuestionAnswered
from streams.topics import TopicNames, dead_letter_topic
from tables.metrics import session_metrics
from tables.reducer import Position, apply
from tables.state import SessionState, decode_state, encode_state

__all__ = ["BatchResult", "InterviewProcessor", "ItemSource", "StateStore", "event_key"]

WORKER = "interview-agent"
log = get_logger(WORKER)


class StateStore(Protocol):
    """The session-state table: bytes per session id, written with its partition."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, partition: int) -> None: ...


class ItemSource(Protocol):
    """Item-bank look-up: ``prefetch`` may do I/O, ``get`` answers from memory."""

    async def prefetch(self, question_id: str) -> None: ...

    def get(self, question_id: str) -> Any: ...


class VersionedItemSource(Protocol):
    """A versioned bank (``adapters.db.item_bank.CachedItemBank``): ``refresh`` learns
    the newest version, ``prefetch`` loads one question of one version, ``at`` gives
    the in-memory lookup of a version; ``version`` is the newest known."""

    version: int

    async def refresh(self) -> None: ...

    async def prefetch(self, question_id: str, version: int | None = None) -> None: ...

    def at(self, version: int | None) -> Any: ...


#: ``(session_id, prompt) -> 1-5 score or None``: the optional LLM prompt classifier.
Classifier = Callable[[str, str], Awaitable[float | None]]
Writer = Callable[[InterviewWrites, list[FailedJob]], Awaitable[None]]
Sender = Callable[[OutMessage], Awaitable[None]]


@dataclass
class _Work:
    states: dict[str, SessionState] = field(default_factory=dict)
    partitions: dict[str, int] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    writes: InterviewWrites = field(default_factory=InterviewWrites)
    result: BatchResult = field(default_factory=BatchResult)


class InterviewProcessor:
    """Folds batches of interview events into session state and storage."""

    def __init__(self, *, store: StateStore, send: Sender, write: Writer,
                 items: ItemSource | None = None, reducer_config: Any = None,
                 lanes: int = 10, max_bytes: int = 1_000_000,
                 policy: RetryPolicy = DEFAULT_POLICY, names: TopicNames | None = None,
                 classify: Classifier | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.store, self.send, self.write, self.items = store, send, write, items
        self.names = names or TopicNames()
        self.classify = classify
        self.config, self.lanes, self.max_bytes = reducer_config, lanes, max_bytes
        self.policy, self.sleep = policy, sleep
        # A versioned bank pins each session to the version it started with.
        self.bank: VersionedItemSource | None = items if hasattr(items, "at") else None  # type: ignore[assignment]

    async def process_batch(self, messages: Sequence[RawMessage]) -> BatchResult:
        """Process and store a batch; messages whose rows PostgreSQL refuses are
        isolated (:mod:`agents.isolate`) and dead-lettered, the rest is stored."""
        results = await store_isolating_refused(messages, self._process_once, self._refused)
        total = results[0]
        for result in results[1:]:
            total.absorb(result)
        return total

    async def _refused(self, msg: RawMessage, exc: WriteRefused) -> BatchResult:
        """Dead-letter one message PostgreSQL refused (reason ``db_refused``)."""
        work = _Work()
        event_type: str = "unknown"
        with contextlib.suppress(ContractError):  # it decoded before; be safe anyway
            event_type = decode_message(msg.value, topic=self.names.base(msg.topic),
                                        max_bytes=self.max_bytes,
                                        headers=msg.headers).event.type
        self._dead(work, msg, "db_refused", exc, event_type)
        letter = work.result.dead_letters[0]
        try:
            await self._store_until_written(InterviewWrites(), [letter.failed_job()])
        except WriteRefused as again:  # the dead letter still goes to the topic
            log.error("failed_job_refused", None, topic=msg.topic, partition=msg.partition,
                      offset=msg.offset, sqlstate=again.sqlstate)
        work.result.out.append(letter.out_message(dead_letter_topic(msg.topic)))
        for out in work.result.out:
            await self.send(out)
        return work.result

    async def _process_once(self, messages: Sequence[RawMessage]) -> BatchResult:
        work = _Work()
        if self.bank is not None:  # at most one read per TTL; the same version all batch
            await self._until_available(self.bank.refresh, "item_bank_retry", None)
        await run_in_lanes(messages, lambda m: m.key, lambda m: self._one(m, work), self.lanes)
        for session_id in work.dirty:
            work.writes.metrics[session_id] = session_metrics(work.states[session_id])
        failed = [d.failed_job() for d in work.result.dead_letters]
        await self._store_until_written(work.writes, failed)
        for session_id in work.dirty:
            self.store.set(session_id, encode_state(work.states[session_id]),
                           work.partitions[session_id])
        for letter in work.result.dead_letters:
            work.result.out.append(letter.out_message(dead_letter_topic(letter.message.topic)))
        for out in work.result.out:
            await self.send(out)
        return work.result

    async def _one(self, msg: RawMessage, work: _Work) -> None:
        try:
            decoded = decode_message(msg.value, topic=self.names.base(msg.topic),
                                     max_bytes=self.max_bytes, headers=msg.headers)
        except ContractError as exc:
            self._dead(work, msg, exc.reason, exc, exc.event_type or "unknown")
            return
        event, received = decoded.event, msg.value
        if decoded.body is not msg.value:  # a BullMQ shape: from here on, its envelope
            msg = dataclasses.replace(msg, value=decoded.body)
        session_id = event.data.session_id
        if msg.key != session_id.encode() and not self._keyed(msg, event, work):
            return
        try:
            await self._prefetch_items(event, work)
            key = event_key(event, msg)
            event = await self._classified(event, msg, key, work)
            self._reduce(msg, event, key, work, event_row(key, msg, event, decoded, received))
        except (ValueError, TransientError) as exc:  # rejected input, or retries exhausted
            reason = "retries_exhausted" if isinstance(exc, TransientError) else "rejected"
            self._dead(work, msg, reason, exc, event.type)
        except Exception as exc:  # a bug must not stall the partition: keep the evidence
            self._dead(work, msg, "processing_error", exc, event.type, with_trace=True)

    def _keyed(self, msg: RawMessage, event: Event, work: _Work) -> bool:
        """False when the message was handled here: re-keyed or refused.

        A session's events must share one partition (and the table state its
        partition), so an event keyed by a BullMQ job id, or not keyed at all, is
        published again keyed by its session id (its job id, when it has one, is its
        event id: a re-sent job is applied once) and applied when it comes back.
        Any other key is refused as ``bad_key``.
        """
        session_id = event.data.session_id
        verdict = key_verdict(msg.key, session_id, event.event_id)
        if verdict == "bad":
            bad_key = ContractError("message key must be the event's sessionId (or a BullMQ "
                                    "job id of that session)")
            self._dead(work, msg, "bad_key", bad_key, event.type)
            return False
        if verdict == "rekey":
            work.result.out.append(OutMessage(msg.topic, session_id.encode(), msg.value))
            work.result.count(event.type, "rekeyed")
            return False
        return True

    def _state(self, work: _Work, session_id: str) -> SessionState | None:
        """The session's current state: this batch's copy, else the table's (decoded once
        per batch and kept; only sessions marked dirty are written back)."""
        state = work.states.get(session_id)
        if state is None:
            raw = self.store.get(session_id)
            if raw:
                state = work.states[session_id] = decode_state(raw)
        return state

    async def _classified(self, event: Event, msg: RawMessage, key: str,
                          work: _Work) -> Event:
        """Attach the optional LLM prompt score to a new chat (never to a duplicate)."""
        if (self.classify is None or not isinstance(event, AiInteraction)
                or event.data.prompt_quality is not None):
            return event
        state = self._state(work, event.data.session_id)
        if state is not None and (state.seen(key)
                                  or state.is_duplicate(msg.topic, msg.partition, msg.offset)):
            return event
        quality = await self.classify(event.data.session_id, event.data.candidate_message)
        if quality is None:
            return event
        return event.model_copy(update={"data": event.data.model_copy(
            update={"prompt_quality": quality})})

    def _reduce(self, msg: RawMessage, event: Event, key: str, work: _Work,
                row: EventRow) -> None:
        session_id = event.data.session_id
        state = self._state(work, session_id)
        work.writes.events.append(row)
        if state is not None and state.seen(key):
            work.result.count(event.type, "duplicate")
            return
        position = Position(msg.topic, msg.partition, msg.offset)
        items = self.items if self.bank is None else self.bank.at(self._bank_version(state))
        outcome = apply(state, event, position, self.config, items, event_key=key)
        if outcome.duplicate:
            work.result.count(event.type, "duplicate")
            return
        work.states[session_id] = outcome.state  # remembers ``key`` (see ``apply``)
        work.partitions[session_id] = msg.partition
        work.dirty.add(session_id)
        effects = outcome.effects  # most events have none: skip the per-effect dispatch
        if effects:
            effect_rows(effects, work.writes)
        log_milestones(effects, event.type, session_id)
        if effects:
            work.result.out.extend(follow_up_messages(effects, position, self.names))
        work.result.count(event.type, "ok")

    async def _prefetch_items(self, event: Event, work: _Work) -> None:
        """Load the question's item parameters; wait out an item-bank outage.

        Skipping an answer would corrupt the session's ability estimate, so a
        database outage blocks the batch (in order, retrying with the policy's
        backoff, then every ``max_delay`` seconds) instead of dead-lettering.
        """
        if self.items is None or not isinstance(event, QuestionAnswered):
            return
        question_id, bank = event.data.question_id, self.bank
        if bank is not None:
            version = self._bank_version(self._state(work, event.data.session_id))
            load = lambda: bank.prefetch(question_id, version)  # noqa: E731
        else:
            items = self.items
            load = lambda: items.prefetch(question_id)  # noqa: E731
        await self._until_available(load, "item_bank_retry", event.data.session_id)

    def _bank_version(self, state: SessionState | None) -> int | None:
        """The session's pinned bank version, or the newest known for a new session."""
        if state is not None and state.bank_version is not None:
            return state.bank_version
        return None if self.bank is None else self.bank.version

    def _dead(self, work: _Work, msg: RawMessage, reason: str, exc: BaseException,
              event_type: str, with_trace: bool = False) -> None:
        attempts = self.policy.attempts if reason == "retries_exhausted" else 1
        letter = DeadLetter.from_exception(msg, WORKER, reason, exc, attempts, with_trace)
        work.result.dead_letters.append(letter)
        work.result.count(event_type, "dead_letter")
        log.warning("dead_letter", None, reason=reason, topic=msg.topic,
                    partition=msg.partition, offset=msg.offset, error_type=type(exc).__name__)

    async def _store_until_written(self, writes: InterviewWrites,
                                   failed: list[FailedJob]) -> None:
        """Retry the batch write until PostgreSQL takes it: events are never dropped."""
        await self._until_available(lambda: self.write(writes, failed), "db_write_retry", None)

    async def _until_available(self, call: Callable[[], Awaitable[None]], event: str,
                               session_id: str | None) -> None:
        """Run ``call`` until a dependency outage passes, in order: the policy's backoff,
        then every 10 s. Order-dependent state must wait, not skip the event."""
        attempt = 0
        while True:
            try:
                await call()
                return
            except (OSError, TimeoutError, ConnectionError, TransientError) as exc:
                attempt += 1
                delay = min(self.policy.delay(attempt), 10.0)
                log.warning(event, session_id, attempt=attempt, delay_seconds=delay,
                            error_type=type(exc).__name__)
                await self.sleep(delay)
