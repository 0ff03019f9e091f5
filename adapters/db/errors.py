"""PostgreSQL driver failures, translated into the worker's error tree.

::

    TransientError
    └── DatabaseUnreachable   the connection was lost, refused or timed out mid-work

Only connection trouble is translated: a refused statement (a constraint, a bad
value) stays the driver's error, because retrying it cannot help and the caller
treats any other exception as permanent. Messages carry the driver's exception
type only, never the statement, its values or the connection string.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from runtime.errors import TransientError

__all__ = ["CONNECTION_ERRORS", "DatabaseUnreachable", "unreachable_as_transient"]

#: What asyncpg and the OS raise when PostgreSQL is away or the connection dropped.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.CannotConnectNowError,
    OSError, TimeoutError)


class DatabaseUnreachable(TransientError):
    """PostgreSQL could not be reached, or the connection went away: retry later."""


@contextmanager
def unreachable_as_transient(what: str = "PostgreSQL unavailable",
                             keep_cause: bool = True) -> Iterator[None]:
    """Turn connection failures inside the block into :class:`DatabaseUnreachable`.

    ``what`` starts the message (the exception type follows); ``keep_cause`` chains
    the driver's exception for tracebacks in the worker's own logs.
    """
    try:
        yield
    except CONNECTION_ERRORS as exc:
        error = DatabaseUnreachable(f"{what}: {type(exc).__name__}")
        if keep_cause:
            raise error from exc
        raise error from None
