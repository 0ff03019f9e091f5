"""Refused batches are halved down to the refused items; everything else runs, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.db.errors import WriteRefused
from agents.isolate import store_isolating_refused


def run_with(bad: set[int]) -> tuple[list[list[int]], list[int], list[int]]:
    """Items ``bad`` make any batch containing them refused; returns (batches stored,
    items refused, every batch attempted)."""
    stored: list[list[int]] = []
    attempts: list[int] = []

    async def run(items: Sequence[int]) -> str:
        attempts.append(len(items))
        if bad & set(items):
            raise WriteRefused("refused", "23514")
        stored.append(list(items))
        return "stored"

    async def refused(item: int, exc: WriteRefused) -> str:
        assert exc.sqlstate == "23514"
        refused_items.append(item)
        return "refused"

    refused_items: list[int] = []
    asyncio.run(store_isolating_refused(list(range(64)), run, refused))
    return stored, refused_items, attempts


@given(bad=st.sets(st.integers(0, 63), max_size=8))
def test_every_item_is_stored_once_or_refused_in_order(bad: set[int]) -> None:
    stored, refused, attempts = run_with(bad)
    flat = [i for batch in stored for i in batch]
    assert sorted(refused) == sorted(bad) and refused == sorted(refused)
    assert flat == [i for i in range(64) if i not in bad]  # order kept, nothing twice
    assert len(attempts) <= 1 + 2 * 6 * len(bad)


def test_one_refused_item_costs_two_writes_per_level() -> None:
    _, refused, attempts = run_with({37})
    assert refused == [37] and len(attempts) == 1 + 2 * 6


def test_an_empty_batch_that_is_refused_raises() -> None:
    async def run(items: Sequence[int]) -> None:
        raise WriteRefused("refused")

    async def refused(item: int, exc: WriteRefused) -> None:
        raise AssertionError("no item to refuse")

    with pytest.raises(WriteRefused):
        asyncio.run(store_isolating_refused([], run, refused))
