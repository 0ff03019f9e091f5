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
    """A failure that may pass: a timeout, a dropped connection, a rate limit."""


class PermanentError(WorkerError):
    """A failure that retrying cannot fix: bad data, a refused request."""
