"""The item bank: versioned IRT parameters per question in PostgreSQL, cached in the worker.

Every ``items load`` and ``items calibrate --apply`` writes a complete new version (the
previous version's items, with the new rows replacing theirs); old versions stay.
Sessions pin the newest version when the interview agent first sees them, so a bank
written mid-interview applies to new sessions only.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from assess.irt import ItemParams
from runtime.errors import TransientError

__all__ = [
    "BankView",
    "CachedItemBank",
    "bank_items",
    "load_items",
    "parse_item_file",
    "write_version",
]

_DRIVER_ERRORS = (OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)


class BankView:
    """One bank version as the reducer's :class:`assess.items.ItemLookup` (memory only).

    ``version`` 0 stands for "no versioned bank": every question then gets its default.
    """

    __slots__ = ("_cache", "version")

    def __init__(self, cache: dict[tuple[int, str], ItemParams | None], version: int) -> None:
        self._cache, self.version = cache, version

    def get(self, question_id: str) -> ItemParams | None:
        return self._cache.get((self.version, question_id))


class CachedItemBank:
    """``prefetch`` reads a question's parameters of one version once; ``at(version)``
    answers from memory. ``refresh`` re-reads the newest version number at most every
    ``version_ttl`` seconds, so a new bank reaches new sessions within that time.

    A question missing from a version is cached as ``None``, so the reducer falls back
    to the difficulty-based default without asking again.
    """

    def __init__(self, pool: asyncpg.Pool, max_entries: int = 100_000,
                 version_ttl: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.pool, self.max_entries, self.version_ttl = pool, max_entries, version_ttl
        self._clock = clock
        self._cache: dict[tuple[int, str], ItemParams | None] = {}
        self._checked: float | None = None
        self.version = 0  # newest known; 0 until a versioned bank exists

    async def refresh(self) -> None:
        """Re-read the newest bank version when the last read is older than the TTL."""
        now = self._clock()
        if self._checked is not None and now - self._checked < self.version_ttl:
            return
        try:
            newest = await self.pool.fetchval(
                "SELECT max(version) FROM internal.item_bank_versions")
        except _DRIVER_ERRORS as exc:
            raise TransientError(f"item bank unavailable: {type(exc).__name__}") from exc
        self.version, self._checked = int(newest or 0), now

    async def prefetch(self, question_id: str, version: int | None = None) -> None:
        """Load ``question_id`` of ``version`` (default: the newest known) into memory."""
        key = (self.version if version is None else version, question_id)
        if key in self._cache:
            return
        if key[0] == 0:
            self._cache[key] = None
            return
        try:
            row = await self.pool.fetchrow(
                "SELECT a, b, c FROM internal.item_bank_items"
                " WHERE version = $1 AND question_id = $2", key[0], question_id)
        except _DRIVER_ERRORS as exc:
            raise TransientError(f"item bank unavailable: {type(exc).__name__}") from exc
        if len(self._cache) >= self.max_entries:
            self._cache.clear()
        self._cache[key] = ItemParams(row["a"], row["b"], row["c"]) if row else None

    def at(self, version: int | None) -> BankView:
        """The lookup for ``version`` (None: the newest known)."""
        return BankView(self._cache, self.version if version is None else version)

    def get(self, question_id: str) -> ItemParams | None:
        """The newest known version's parameters (for callers that do not pin one)."""
        return self._cache.get((self.version, question_id))


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


async def write_version(conn: asyncpg.Connection, rows: Sequence[dict[str, Any]],
                        source: str, details: dict[str, Any]) -> int:
    """Write a new bank version: the previous one's items with ``rows`` replacing theirs.

    A row has ``question_id, a, b, c`` and optionally ``difficulty, topic`` (else kept
    from the previous version), ``se_a, se_b, responses, calibrated``. Returns the new
    version number. Concurrent writers are serialised by a table lock.
    """
    async with conn.transaction():
        await conn.execute("LOCK TABLE internal.item_bank_versions IN EXCLUSIVE MODE")
        previous = int(await conn.fetchval(
            "SELECT coalesce(max(version), 0) FROM internal.item_bank_versions"))
        version = previous + 1
        await conn.execute(
            "INSERT INTO internal.item_bank_versions (version, source, details)"
            " VALUES ($1, $2, $3::jsonb)", version, source, json.dumps(details))
        ids = [r["question_id"] for r in rows]
        await conn.execute(
            "INSERT INTO internal.item_bank_items SELECT $1, question_id, a, b, c, difficulty,"
            " topic, se_a, se_b, responses, calibrated FROM internal.item_bank_items"
            " WHERE version = $2 AND NOT (question_id = ANY($3::text[]))",
            version, previous, ids)
        await conn.execute(
            "INSERT INTO internal.item_bank_items (version, question_id, a, b, c, difficulty,"
            " topic, se_a, se_b, responses, calibrated)"
            " SELECT $1, u.q, u.a, u.b, u.c, coalesce(u.d, p.difficulty), coalesce(u.t, p.topic),"
            " u.sa, u.sb, u.n, u.cal FROM unnest($2::text[], $3::float8[], $4::float8[],"
            " $5::float8[], $6::int[], $7::text[], $8::float8[], $9::float8[], $10::int[],"
            " $11::bool[]) AS u(q, a, b, c, d, t, sa, sb, n, cal)"
            " LEFT JOIN internal.item_bank_items p ON p.version = $12 AND p.question_id = u.q",
            version, ids, *_columns(rows), previous)
    return version


def _columns(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Per-column lists of ``rows`` for the unnest insert (missing optional fields None)."""
    names = ("a", "b", "c", "difficulty", "topic", "se_a", "se_b", "responses")
    columns: list[list[Any]] = [[r.get(name) for r in rows] for name in names]
    columns.append([bool(r.get("calibrated", False)) for r in rows])
    return columns


async def load_items(conn: asyncpg.Connection, rows: list[dict[str, Any]]) -> int:
    """Write the loaded items as a new bank version; returns the number written."""
    await write_version(conn, rows, "load", {"items": len(rows)})
    return len(rows)


async def bank_items(conn: asyncpg.Connection) -> dict[str, ItemParams]:
    """The newest version's parameters per question (empty when there is no bank)."""
    records = await conn.fetch("SELECT question_id, a, b, c FROM internal.item_bank")
    return {r["question_id"]: ItemParams(r["a"], r["b"], r["c"]) for r in records}
