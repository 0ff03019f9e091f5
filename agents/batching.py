"""Batches from a Faust stream, acknowledged only after they were processed.

Faust's ``take_events`` acknowledges its buffered events in a ``finally``
block: when the agent is stopped, or the generator is finalised, events that
were buffered but never processed are acknowledged too, and their offsets get
committed. A SIGTERM then loses them. Here a reader task moves events from a
no-ack stream into a small queue, batches are cut by size or time, and each
event is acknowledged explicitly once its batch has been stored. Events still
queued at shutdown are simply never acknowledged, so the next owner of the
partition processes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from agents.commit_guard import CommitGuard
from agents.faust_support import finish_batch

__all__ = ["consume_in_batches"]

_END = object()


async def _next_batch(queue: asyncio.Queue[Any], max_events: int,
                      within: float) -> tuple[list[Any], bool]:
    """Up to ``max_events`` events, waiting at most ``within`` s after the first."""
    first = await queue.get()
    if first is _END:
        return [], True
    batch = [first]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while len(batch) < max_events:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            item = await asyncio.wait_for(queue.get(), remaining)
        except TimeoutError:
            break
        if item is _END:
            return batch, True
        batch.append(item)
    return batch, False


def _untrack(consumer: Any, messages: Iterable[Any]) -> None:
    """Forget fetched messages that will be read again: never acknowledged, so Faust
    neither commits past them nor waits for them at shutdown or rebalance."""
    if consumer is not None:
        consumer._unacked_messages.difference_update(messages)


async def _process(batch: list[Any], handle: Callable[[Sequence[Any]], Awaitable[None]],
                   bound: float, guard: CommitGuard | None, consumer: Any,
                   ack: Callable[[Any], Awaitable[Any]]) -> None:
    """Handle the admitted part of a batch and acknowledge it once stored.

    Events the guard rejects (past a gap, or fetched before a seek back) are not
    acknowledged but untracked: they will be read again after the seek. If
    ``handle`` fails, the guard is rewound and the partitions sought back before the
    error propagates (and the agent is restarted), so the batch is read again.
    """
    if guard is None:
        await finish_batch(handle(batch), bound)
        for event in batch:
            await ack(event)
        return
    accepted, seeks = guard.admit([(e.message.tp, e.message.offset) for e in batch])
    admitted = [e for e, ok in zip(batch, accepted, strict=True) if ok]
    _untrack(consumer, [e.message for e, ok in zip(batch, accepted, strict=True) if not ok])
    if admitted:
        task = asyncio.ensure_future(handle(admitted))
        try:
            await finish_batch(task, bound)
        except asyncio.CancelledError:
            if task.done() and not task.cancelled() and task.exception() is None:
                await _ack_events(admitted, guard, ack)
            raise
        except BaseException:
            await _rewind(guard, consumer, [e.message for e in admitted])
            raise
        await _ack_events(admitted, guard, ack)
    for tp, offset in seeks.items():
        if consumer is not None:
            await consumer.seek(tp, offset)


async def _ack_events(admitted: list[Any], guard: CommitGuard,
                     ack: Callable[[Any], Awaitable[Any]]) -> None:
    guard.stored({e.message.tp for e in admitted})
    for event in admitted:
        await ack(event)


async def _rewind(guard: CommitGuard, consumer: Any, messages: list[Any]) -> None:
    """Expect these messages again and seek their partitions back to them."""
    first = guard.rewind([(m.tp, m.offset) for m in messages])
    _untrack(consumer, messages)
    if consumer is not None:
        for tp, offset in first.items():
            await consumer.seek(tp, offset)


async def consume_in_batches(stream: Any, max_events: int, within: float,
                             handle: Callable[[Sequence[Any]], Awaitable[None]],
                             shutdown_bound: float = 30.0,
                             guard: CommitGuard | None = None,
                             consumer: Any = None,
                             ) -> None:
    """Feed ``handle`` batches of Faust events; ack each batch after ``handle`` returns.

    ``consumer`` (the app's) is where rejected events are untracked and partitions
    sought back. When this returns with an error (a crash: Faust's supervisor starts
    the agent again over the same stream), the events this reader had fetched
    but not yet handed over are rewound too, so the restarted agent reads them again.
    """
    manual = stream.noack()
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=max_events)

    async def read() -> None:
        try:
            async for event in manual.events():
                await queue.put(event)
        finally:
            await queue.put(_END)

    reader = asyncio.ensure_future(read())
    try:
        done = False
        while not done:
            batch, done = await _next_batch(queue, max_events, within)
            if batch:
                await _process(batch, handle, shutdown_bound, guard, consumer, manual.ack)
    except Exception:
        reader.cancel()
        queued = [e.message for e in _drain(queue)]
        if guard is not None and queued:
            await _rewind(guard, consumer, queued)
        raise
    finally:
        reader.cancel()


def _drain(queue: asyncio.Queue[Any]) -> list[Any]:
    items = []
    while not queue.empty():
        item = queue.get_nowait()
        if item is not _END:
            items.append(item)
    return items


async def consume_batches(channel: Any, consumer: Any, max_events: int,
                          handle: Callable[[Sequence[Any]], Awaitable[None]],
                          shutdown_bound: float, guard: CommitGuard,
                          ) -> None:
    """Feed ``handle`` the batches a :class:`~agents.faust_batches.BatchChannel` cuts.

    Each batch is whatever was waiting (at most ``max_events`` messages). The guard
    admits the messages that continue their partitions in order; admitted ones are
    acknowledged once ``handle`` returned, the rest are untracked (they will be read
    again after the guard's seek). If ``handle`` fails, the guard is rewound and the
    partitions sought back before the error propagates, so nothing is skipped.
    """
    while True:
        batch = await channel.take(max_events)
        accepted, seeks = guard.admit([(m.tp, m.offset) for m in batch])
        admitted = [m for m, ok in zip(batch, accepted, strict=True) if ok]
        rejected = [m for m, ok in zip(batch, accepted, strict=True) if not ok]
        consumer._unacked_messages.difference_update(rejected)
        if admitted:
            await _stored_or_rewound(admitted, handle, shutdown_bound, guard, consumer)
        for tp, offset in seeks.items():
            await consumer.seek(tp, offset)


async def _stored_or_rewound(admitted: list[Any],
                             handle: Callable[[Sequence[Any]], Awaitable[None]],
                             bound: float, guard: CommitGuard, consumer: Any) -> None:
    """Run ``handle`` to the end (even when cancelled, up to ``bound`` s), then ack."""
    task = asyncio.ensure_future(handle(admitted))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait({task}, timeout=bound)
        if task.done() and not task.cancelled() and task.exception() is None:
            _acknowledge(admitted, guard, consumer)
        raise
    except BaseException:
        first = guard.rewind([(m.tp, m.offset) for m in admitted])
        consumer._unacked_messages.difference_update(admitted)
        for tp, offset in first.items():
            await consumer.seek(tp, offset)
        raise
    _acknowledge(admitted, guard, consumer)


def _acknowledge(admitted: list[Any], guard: CommitGuard, consumer: Any) -> None:
    guard.stored({m.tp for m in admitted})
    ack = consumer.ack
    for message in admitted:
        ack(message)
