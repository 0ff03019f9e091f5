"""PostgreSQL driver failures, translated into the worker's error tree.

::

    TransientError
    └── DatabaseUnreachable   the connection was lost, refused or timed out mid-work
    PermanentError
    └── WriteRefused          PostgreSQL refused the rows themselves: SQLSTATE class 22
                              (data exception), 23 (integrity violation), 54 (program
                              limit, such as an index entry too large) or a value asyncpg
                              cannot encode; the same rows fail every time

:func:`unreachable_as_transient` translates connection trouble only: a refused
statement stays the driver's error, because retrying it cannot help and the caller
treats any other exception as permanent. Batch writers use
:func:`translate_write_errors`, which also names refused rows (so the caller can
isolate them) and waits out every other server error. Messages carry the driver's
exception type (and for refused rows the server's text, which names a constraint or a
value kind), never the statement, its parameters or the connection string.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from runtime.errors import PermanentError, TransientError

__all__ = ["CONNECTION_ERRORS", "DatabaseUnreachable", "WriteRefused", "translate_write_errors",
           "unreachable_as_transient"]

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


#: SQLSTATE classes that blame the data being written.
_DATA_CLASSES = ("22", "23", "54")


class WriteRefused(PermanentError):
    """PostgreSQL refused these rows; ``sqlstate`` says why (e.g. ``23514``)."""

    def __init__(self, message: str, sqlstate: str = "") -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@contextmanager
def translate_write_errors(what: str = "PostgreSQL write") -> Iterator[None]:
    """Inside the block: connection trouble -> :class:`DatabaseUnreachable`, refused rows
    -> :class:`WriteRefused`, any other server error -> ``TransientError``.

    Any other error (a missing table, a permission, a deadlock, a cancelled statement)
    says nothing about which rows are at fault: it is waited out, never used to
    dead-letter data that may be fine.
    """
    try:
        yield
    except CONNECTION_ERRORS as exc:
        raise DatabaseUnreachable(f"{what} failed: {type(exc).__name__}") from exc
    except asyncpg.PostgresError as exc:
        state = str(getattr(exc, "sqlstate", "") or "")
        text = f"{what} refused: {type(exc).__name__} ({state}): {exc}"[:1000]
        if state.startswith(_DATA_CLASSES):
            raise WriteRefused(text, state) from exc
        raise TransientError(text) from exc
    except UnicodeEncodeError as exc:  # asyncpg encodes text arguments itself
        raise WriteRefused(f"{what} refused: {exc.reason} in a text value", "22021") from exc
