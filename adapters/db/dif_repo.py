"""Stored DIF runs: write one run's per-item results, read the newest run's class counts."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from assess.dif import DIF_CLASSES, DifItem

__all__ = ["latest_dif_counts", "store_dif_run"]


async def store_dif_run(conn: asyncpg.Connection, reference: str, focal: str,
                        items: Sequence[DifItem]) -> int:
    """Insert one run and its items in a transaction; returns the run id."""
    counts = {name: sum(1 for i in items if i.dif_class == name) for name in DIF_CLASSES}
    async with conn.transaction():
        run_id = int(await conn.fetchval(
            "INSERT INTO internal.dif_runs (reference, focal, a_items, b_items, c_items)"
            " VALUES ($1, $2, $3, $4, $5) RETURNING run_id",
            reference, focal, counts["A"], counts["B"], counts["C"]))
        await conn.executemany(
            "INSERT INTO internal.dif_items (run_id, question_id, mh_delta, se_delta,"
            " dif_class, n) VALUES ($1, $2, $3, $4, $5, $6)",
            [(run_id, i.question_id, i.mh_delta, i.se_delta, i.dif_class, i.n) for i in items])
    return run_id


async def latest_dif_counts(conn: asyncpg.Connection) -> dict[str, int] | None:
    """Items per ETS class in the newest run, or None before the first run."""
    row = await conn.fetchrow(
        "SELECT a_items, b_items, c_items FROM internal.dif_runs"
        " ORDER BY run_id DESC LIMIT 1")
    if row is None:
        return None
    return {"A": row["a_items"], "B": row["b_items"], "C": row["c_items"]}
