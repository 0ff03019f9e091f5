"""Plain-SQL migrations, applied in file order, each exactly once.

``interviewlm db migrate`` and every worker start call :func:`migrate`. An
advisory lock serialises concurrent callers, so two workers starting together
never apply the same file twice.
"""

from __future__ import annotations

from importlib import resources

import asyncpg

__all__ = ["migrate", "migration_files"]

_LOCK_ID = 7_310_455_201  # arbitrary, fixed: identifies our migration lock


def migration_files() -> list[tuple[str, str]]:
    """``(version, sql)`` pairs, sorted by file name."""
    folder = resources.files("adapters.db") / "migrations"
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name
    )
    return [(f.name.removesuffix(".sql"), f.read_text()) for f in files]


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply pending migrations; return the versions applied by this call."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS public.interviewlm_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch(
            "SELECT version FROM public.interviewlm_migrations")}
        applied: list[str] = []
        for version, sql in migration_files():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO public.interviewlm_migrations (version) VALUES ($1)", version
                )
            applied.append(version)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
