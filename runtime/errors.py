"""The worker's error tree (the contract errors live in ``streams.errors``).

::

    WorkerError
    ├── TransientError        may pass on retry: timeouts, dropped connections, 429/5xx
    └── PermanentError        retrying cannot help: bad data, a refused request

Adapters translate their libraries' exceptions into these two, so agents can
decide between "retry with backoff" and "dead-letter now" without knowing
asyncpg, aiohttp or the Anthropic SDK.
"""

from __future__ import annotations

__all__ = ["PermanentError", "TransientError", "WorkerError"]


class WorkerError(RuntimeError):
    """Root of the worker's own errors."""


class TransientError(WorkerError):
    """A failure that may pass: a timeout, a dropped connection, a rate limit.

    ``retry_after`` (seconds), when set, is how long to wait before the next
    attempt instead of the retry policy's backoff (e.g. a grace period).
    """

    def __init__(self, *args: object, retry_after: float | None = None) -> None:
        super().__init__(*args)
        self.retry_after = retry_after


class PermanentError(WorkerError):
    """A failure that retrying cannot fix: bad data, a refused request."""
