"""Isolate the messages whose rows PostgreSQL refuses, so the rest is still stored.

A batch is written in one transaction. Should PostgreSQL refuse it for the data
itself (:class:`~adapters.db.errors.WriteRefused`, never for an outage, which is
waited out), the batch is processed again in two halves, in order, and each half
that is refused again is halved again, down to single messages. Those go to the
caller's ``refused`` handler (the dead-letter topic); everything else is stored.

One refused message in a batch of n costs about 2·log2(n) extra attempts, and
only on this rare path. Order per session is kept: the halves run one after the
other, and each half's state is written before the next half reads it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from adapters.db.errors import WriteRefused
from runtime.logs import get_logger

__all__ = ["store_isolating_refused"]

T = TypeVar("T")
R = TypeVar("R")
log = get_logger("isolate")


async def store_isolating_refused(
    items: Sequence[T],
    run: Callable[[Sequence[T]], Awaitable[R]],
    refused: Callable[[T, WriteRefused], Awaitable[R]],
) -> list[R]:
    """``[run(items)]``, or, if PostgreSQL refuses it, the results of its halves in order
    (a single refused item gives ``refused(item, error)``)."""
    try:
        return [await run(items)]
    except WriteRefused as exc:
        if len(items) <= 1:
            if not items:
                raise
            return [await refused(items[0], exc)]
        log.warning("batch_write_refused", None, size=len(items), sqlstate=exc.sqlstate)
        middle = len(items) // 2
        first = await store_isolating_refused(items[:middle], run, refused)
        return first + await store_isolating_refused(items[middle:], run, refused)
