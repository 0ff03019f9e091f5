"""The item bank: IRT parameters per question in PostgreSQL, cached in the worker."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import asyncpg

from assess.irt import ItemParams
from runtime.errors import TransientError

__all__ = ["CachedItemBank", "load_items", "parse_item_file"]


class CachedItemBank:
    """``prefetch`` reads a question's parameters once; ``get`` answers from memory.

    A question missing from the bank is cached as ``None`` so the reducer falls
    back to the difficulty-based default without asking again.
    """

    def __init__(self, pool: asyncpg.Pool, max_entries: int = 100_000) -> None:
        self.pool = pool
        self.max_entries = max_entries
        self._cache: dict[str, ItemParams | None] = {}

    async def prefetch(self, question_id: str) -> None:
        if question_id in self._cache:
            return
        try:
            row = await self.pool.fetchrow(
                "SELECT a, b, c FROM internal.item_bank WHERE question_id = $1", question_id)
        except (OSError, TimeoutError, asyncpg.PostgresConnectionError,
                asyncpg.InterfaceError) as exc:
            raise TransientError(f"item bank unavailable: {type(exc).__name__}") from exc
        if len(self._cache) >= self.max_entries:
            self._cache.clear()
        self._cache[question_id] = ItemParams(row["a"], row["b"], row["c"]) if row else None

    def get(self, question_id: str) -> ItemParams | None:
        return self._cache.get(question_id)


def parse_item_file(text: str, fmt: str) -> list[dict[str, Any]]:
    """Rows of ``questionId, a, b, c`` (+ optional difficulty, topic) from CSV or JSON.

    Every row is validated as a 3PL item; the error names the row and field.
    """
    raw: list[dict[str, Any]]
    if fmt == "json":
        data = json.loads(text)
        raw = data["items"] if isinstance(data, dict) else data
    else:
        raw = list(csv.DictReader(io.StringIO(text)))
    rows = []
    for number, item in enumerate(raw, start=1):
        try:
            question_id = str(item["questionId"]).strip()
            params = ItemParams(float(item["a"]), float(item["b"]), float(item.get("c") or 0.0))
            difficulty = item.get("difficulty")
            rows.append({
                "question_id": question_id, "a": params.a, "b": params.b, "c": params.c,
                "difficulty": int(difficulty) if difficulty not in (None, "") else None,
                "topic": (item.get("topic") or None),
            })
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"item row {number}: {exc}") from None
    return rows


async def load_items(conn: asyncpg.Connection, rows: list[dict[str, Any]]) -> int:
    """Upsert items by question id; returns the number written."""
    await conn.executemany(
        "INSERT INTO internal.item_bank (question_id, a, b, c, difficulty, topic)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (question_id) DO UPDATE SET"
        " a = EXCLUDED.a, b = EXCLUDED.b, c = EXCLUDED.c, difficulty = EXCLUDED.difficulty,"
        " topic = EXCLUDED.topic, updated_at = now()",
        [(r["question_id"], r["a"], r["b"], r["c"], r["difficulty"], r["topic"]) for r in rows],
    )
    return len(rows)
