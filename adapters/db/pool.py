"""Connection pool creation with a bounded, clear failure when PostgreSQL is away."""

from __future__ import annotations

import asyncio
from typing import TypeAlias

import asyncpg

from runtime.settings import Settings

__all__ = ["DatabaseUnavailable", "Pool", "connect", "create_pool"]

#: The pool type, named here so callers above the adapters never import the driver.
Pool: TypeAlias = asyncpg.Pool


class DatabaseUnavailable(RuntimeError):
    """PostgreSQL could not be reached within the configured timeout."""


def _describe(settings: Settings) -> str:
    """The server's host part of DATABASE_URL, without user or password."""
    url = settings.database_url.get_secret_value()
    return url.rsplit("@", 1)[-1] if "@" in url else url.split("//", 1)[-1]


async def create_pool(settings: Settings) -> asyncpg.Pool:
    """A pool of connections; raises :class:`DatabaseUnavailable` within seconds."""
    timeout = settings.db_connect_timeout_seconds
    try:
        pool = await asyncio.wait_for(
            asyncpg.create_pool(
                settings.database_url.get_secret_value(),
                min_size=settings.db_pool_min,
                max_size=settings.db_pool_max,
                timeout=timeout,
                command_timeout=60,
            ),
            timeout + 1,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise DatabaseUnavailable(
            f"PostgreSQL at {_describe(settings)} is unreachable: {type(exc).__name__}"
        ) from None
    assert pool is not None
    return pool


async def connect(settings: Settings) -> asyncpg.Connection:
    """One connection (CLI commands); same error contract as :func:`create_pool`."""
    timeout = settings.db_connect_timeout_seconds
    try:
        return await asyncio.wait_for(
            asyncpg.connect(settings.database_url.get_secret_value(), timeout=timeout),
            timeout + 1,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise DatabaseUnavailable(
            f"PostgreSQL at {_describe(settings)} is unreachable: {type(exc).__name__}"
        ) from None
