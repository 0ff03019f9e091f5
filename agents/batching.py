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
from collections.abc import Awaitable, Callable, Sequence
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


async def _process(batch: list[Any], handle: Callable[[Sequence[Any]], Awaitable[None]],
                   bound: float, guard: CommitGuard | None,
                   seek: Callable[[Any, int], Awaitable[None]] | None) -> None:
    """Handle the admitted part of a batch; seek back over any gap the guard found."""
    if guard is None:
        await finish_batch(handle(batch), bound)
        return
    accepted, seeks = guard.admit([(e.message.tp, e.message.offset) for e in batch])
    admitted = [e for e, ok in zip(batch, accepted, strict=True) if ok]
    if admitted:
        await finish_batch(handle(admitted), bound)
        guard.stored({e.message.tp for e in admitted})
    for tp, offset in seeks.items():
        if seek is not None:
            await seek(tp, offset)


async def consume_in_batches(stream: Any, max_events: int, within: float,
                             handle: Callable[[Sequence[Any]], Awaitable[None]],
                             shutdown_bound: float = 30.0,
                             guard: CommitGuard | None = None,
                             seek: Callable[[Any, int], Awaitable[None]] | None = None,
                             ) -> None:
    """Feed ``handle`` batches of Faust events; ack each batch after ``handle`` returns."""
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
                await _process(batch, handle, shutdown_bound, guard, seek)
                for event in batch:
                    await manual.ack(event)
    finally:
        reader.cancel()


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
