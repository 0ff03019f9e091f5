"""Retry policies: attempts and exponential backoff, per worker.

Errors are either transient (retried) or permanent (dead-lettered at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from runtime.errors import PermanentError, TransientError

__all__ = [
    "DEFAULT_POLICY",
    "EVALUATION_POLICY",
    "NOTIFICATION_POLICY",
    "PermanentError",
    "RetryPolicy",
    "TransientError",
    "retry_async",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` tries in all; the n-th retry waits ``initial * factor**(n-1)`` seconds."""

    attempts: int = 3
    initial_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 60.0

    def delay(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based)."""
        return float(min(self.initial_delay * self.factor ** (retry_number - 1), self.max_delay))

    def delays(self) -> list[float]:
        return [self.delay(n) for n in range(1, self.attempts)]


#: The seed's policies: 3 attempts (1 s, 2 s, 4 s...), evaluation 5, notifications 5 from 2 s.
DEFAULT_POLICY = RetryPolicy(attempts=3, initial_delay=1.0)
EVALUATION_POLICY = RetryPolicy(attempts=5, initial_delay=1.0)
NOTIFICATION_POLICY = RetryPolicy(attempts=5, initial_delay=2.0)


async def retry_async(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    transient: tuple[type[BaseException], ...] = (TransientError,),
    on_retry: Callable[[int, BaseException], None] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Call until it succeeds or attempts run out; re-raise the last transient error."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except transient as exc:
            if attempt == policy.attempts:
                raise
            if on_retry is not None:
                on_retry(attempt, exc)
            await sleep(policy.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover
