"""Concurrency without reordering: lanes hashed by session id.

Faust's agent ``concurrency=N`` runs events of one partition out of order and can
commit offsets past events still running. Instead, a batch is split into N lanes
by a stable hash of the session id: each lane runs its events one at a time and
in order, lanes run concurrently, and the batch is acknowledged only when every
lane is done. Two events of one session never run at the same time.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

__all__ = ["lane_of", "run_in_lanes"]

T = TypeVar("T")


def lane_of(key: bytes | None, lanes: int) -> int:
    """Stable lane for a key (crc32, so it is the same in every process)."""
    return zlib.crc32(key or b"") % lanes


async def run_in_lanes(
    items: Sequence[T],
    key: Callable[[T], bytes | None],
    handle: Callable[[T], Awaitable[None]],
    lanes: int,
) -> None:
    """Run ``handle`` on every item: in order within a lane, lanes concurrently."""
    if lanes <= 1 or len(items) <= 1:
        for item in items:
            await handle(item)
        return
    buckets: dict[int, list[T]] = {}
    for item in items:
        buckets.setdefault(lane_of(key(item), lanes), []).append(item)

    async def drain(bucket: list[T]) -> None:
        for item in bucket:
            await handle(item)

    await asyncio.gather(*(drain(b) for b in buckets.values()))
