"""Structured requests through the Message Batches API, at half price.

Use it for work that can wait (re-scoring, backfills): :class:`BatchRunner`
gathers :class:`StructuredRequest` objects under caller-chosen ``custom_id``
values, submits them in one ``messages.batches.create``, polls ``retrieve``
until ``processing_status == "ended"`` and reads the JSONL results, mapping
them back by ``custom_id``. Each entry is judged like a realtime answer
(forced tool use + validator); entries that errored, expired, were canceled,
were malformed or are missing from the results become per-id
:class:`BatchFailure` values, never an exception for the whole batch. Only
whole-batch problems raise: the API failing after the SDK's retries
(:class:`LLMUnavailable`/:class:`LLMRejected`), the deadline passing
(:class:`LLMUnavailable`, after a best-effort cancel) or the budget.

There is no malformed-answer retry inside a batch; callers may resubmit the
failed ids. ``custom_id`` values are visible to the API: use opaque ids, never
names or e-mail addresses.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from anthropic import APIConnectionError, APIStatusError
from anthropic.types.messages import MessageBatch, MessageBatchIndividualResponse
from anthropic.types.messages.batch_create_params import Request

from adapters.llm.client import LLMClient, translate_error
from adapters.llm.errors import LLMUnavailable
from adapters.llm.pricing import CostLedger, Usage
from adapters.llm.request import (
    StructuredRequest,
    StructuredResult,
    UnusableReply,
    Validator,
    parse_tool_input,
    record_call,
    usage_from_sdk,
)
from runtime.logs import get_logger

__all__ = ["BatchFailure", "BatchOutcome", "BatchRunner", "FailureKind"]

T = TypeVar("T")
R = TypeVar("R")
FailureKind = Literal["errored", "expired", "canceled", "malformed", "missing"]
_CUSTOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_log = get_logger("llm")


@dataclass(frozen=True)
class BatchFailure:
    """Why one ``custom_id`` has no answer; ``detail`` is an error type or reason."""

    custom_id: str
    kind: FailureKind
    detail: str = ""


@dataclass
class BatchOutcome(Generic[T]):
    """Every submitted ``custom_id`` lands in exactly one of the two maps."""

    batch_id: str
    succeeded: dict[str, StructuredResult[T]] = field(default_factory=dict)
    failed: dict[str, BatchFailure] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0


@dataclass(frozen=True)
class _Entry(Generic[T]):
    request: StructuredRequest
    validator: Validator[T]


class BatchRunner(Generic[T]):
    """Collects requests, runs them as one Message Batch and maps results back."""

    def __init__(self, client: LLMClient, *, poll_interval: float = 30.0,
                 deadline: float = 24 * 3600.0, ledger: CostLedger | None = None) -> None:
        self.client = client
        self.poll_interval = poll_interval
        self.deadline = deadline
        self.ledger = ledger
        self._entries: dict[str, _Entry[T]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, custom_id: str, request: StructuredRequest, validator: Validator[T]) -> None:
        """Queue one request; ids must be unique and match ``[A-Za-z0-9_-]{1,64}``."""
        if not _CUSTOM_ID.match(custom_id):
            raise ValueError(f"custom_id must match {_CUSTOM_ID.pattern}")
        if custom_id in self._entries:
            raise ValueError(f"duplicate custom_id {custom_id!r}")
        self._entries[custom_id] = _Entry(request, validator)

    async def run(self) -> BatchOutcome[T]:
        """Submit, wait for the end, and collect: the whole round trip."""
        batch_id = await self.submit()
        return await self.collect(batch_id)

    async def submit(self) -> str:
        """Create the batch and return its id (persist it to resume after a restart)."""
        if not self._entries:
            raise ValueError("no requests added")
        if self.ledger is not None:
            self.ledger.ensure(sum(
                e.request.estimate(self.client.prices, batch=True)
                for e in self._entries.values()))
        requests: list[Request] = [{"custom_id": cid, "params": e.request.params()}
                                   for cid, e in self._entries.items()]
        batch = await self._api(self.client.sdk.messages.batches.create(requests=requests))
        _log.info("llm_batch_submitted", batch_id=batch.id, requests=len(requests))
        return batch.id

    async def collect(self, batch_id: str) -> BatchOutcome[T]:
        """Poll ``batch_id`` until it ends, then judge every entry added to this runner."""
        await self._wait(batch_id)
        outcome: BatchOutcome[T] = BatchOutcome(batch_id)
        results = await self._api(self.client.sdk.messages.batches.results(batch_id))
        async for line in results:
            done = line.custom_id in outcome.succeeded or line.custom_id in outcome.failed
            if line.custom_id in self._entries and not done:
                self._judge(line, outcome)
        for custom_id in self._entries.keys() - outcome.succeeded.keys() - outcome.failed.keys():
            outcome.failed[custom_id] = BatchFailure(custom_id, "missing")
        _log.info("llm_batch_collected", batch_id=batch_id, succeeded=len(outcome.succeeded),
                  failed=len(outcome.failed))
        return outcome

    async def _wait(self, batch_id: str) -> MessageBatch:
        """Poll until ``ended``; past the deadline, request a cancel and raise."""
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self.deadline
        while True:
            batch = await self._api(self.client.sdk.messages.batches.retrieve(batch_id))
            if batch.processing_status == "ended":
                return batch
            remaining = give_up_at - loop.time()
            if remaining <= 0:
                with contextlib.suppress(APIConnectionError, APIStatusError):
                    await self.client.sdk.messages.batches.cancel(batch_id)
                raise LLMUnavailable(
                    f"batch {batch_id} still {batch.processing_status} after "
                    f"{self.deadline:g}s; cancel requested")
            await asyncio.sleep(min(self.poll_interval, remaining))

    def _judge(self, line: MessageBatchIndividualResponse, outcome: BatchOutcome[T]) -> None:
        """File one JSONL result under succeeded or failed, with metrics and cost."""
        custom_id, result = line.custom_id, line.result
        entry = self._entries[custom_id]
        model = entry.request.model
        if result.type != "succeeded":
            detail = str(getattr(getattr(getattr(result, "error", None), "error", None),
                                 "type", "")) if result.type == "errored" else ""
            outcome.failed[custom_id] = BatchFailure(custom_id, result.type, detail)
            record_call(model, "batch", result.type)
            return
        usage = usage_from_sdk(result.message.usage)
        cost = usage.cost(model, True, self.client.prices)
        outcome.usage, outcome.cost = outcome.usage + usage, outcome.cost + cost
        if self.ledger is not None:
            self.ledger.charge(cost, usage)
        try:
            value = parse_tool_input(result.message, entry.request.tool_name, entry.validator)
        except UnusableReply as exc:
            outcome.failed[custom_id] = BatchFailure(custom_id, "malformed", exc.reason)
            record_call(model, "batch", "malformed", usage, cost)
            return
        outcome.succeeded[custom_id] = StructuredResult(value, usage, cost, model)
        record_call(model, "batch", "ok", usage, cost)

    async def _api(self, call: Awaitable[R]) -> R:
        """Await an SDK call, turning its failures into the adapter's errors."""
        try:
            return await call
        except (APIConnectionError, APIStatusError) as exc:
            outcome, error = translate_error(exc)
            model = next(iter(self._entries.values())).request.model if self._entries else ""
            record_call(model, "batch", outcome)
            raise error from None


async def batch_status(client: LLMClient, batch_id: str) -> str:
    """The batch's ``processing_status`` (``in_progress``, ``canceling``, ``ended``).

    A failed poll raises the adapter's :class:`LLMUnavailable` or ``LLMRejected``, so a
    caller that only looks now and then never handles SDK exceptions itself.
    """
    try:
        batch = await client.sdk.messages.batches.retrieve(batch_id)
    except (APIConnectionError, APIStatusError) as exc:
        raise translate_error(exc)[1] from None
    return str(batch.processing_status)


async def cancel_batch(client: LLMClient, batch_id: str) -> None:
    """Ask the API to cancel ``batch_id``; best effort, a failed request is ignored."""
    with contextlib.suppress(APIConnectionError, APIStatusError):
        await client.sdk.messages.batches.cancel(batch_id)
