"""Ground truth for fault tests: a clean replay of the input topic, and the table's state.

The replay runs the same batch processor the worker runs, in memory, one
record at a time in partition order, with nothing killed. The worker's table
state is read back from its changelog topic (the newest value per key).
"""

from __future__ import annotations

from typing import Any

from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import InterviewWrites
from adapters.db.item_bank import BankView
from agents.interview import InterviewProcessor
from agents.messages import OutMessage, RawMessage
from streams.topics import TopicNames
from tables.config import ReducerConfig
from tables.state import SessionState, decode_state
from tests.support.kafka import read_topic

__all__ = ["MemoryStore", "changelog_states", "replay_states", "state_differences"]


class MemoryStore:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes, partition: int) -> None:
        self.data[key] = value


class EmptyItemBank:
    """What the worker's ``CachedItemBank`` is on a database with no bank loaded:
    version 0, every question on its default parameters. The replay needs the same
    versioned source, or its states would lack the ``bank_version`` pin the worker's
    states carry."""

    version = 0

    async def refresh(self) -> None:
        return None

    async def prefetch(self, question_id: str, version: int | None = None) -> None:
        return None

    def get(self, question_id: str) -> None:
        return None

    def at(self, version: int | None) -> BankView:
        return BankView({}, self.version if version is None else version)


async def replay_states(records: list[Any], prefix: str) -> dict[str, SessionState]:
    """Fold every record of the interview topic, in partition/offset order."""
    store = MemoryStore()

    async def send(out: OutMessage) -> None:
        return None

    async def write(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        return None

    processor = InterviewProcessor(store=store, send=send, write=write,
                                   items=EmptyItemBank(),
                                   reducer_config=ReducerConfig(), lanes=1,
                                   names=TopicNames(prefix))
    ordered = sorted(records, key=lambda r: (r.partition, r.offset))
    for record in ordered:
        await processor.process_batch([RawMessage(
            record.topic, record.partition, record.offset, record.key, record.value,
            tuple(record.headers or ()))])
    return {k: decode_state(v) for k, v in store.data.items()}


async def changelog_states(bootstrap: str, app_id: str) -> dict[str, SessionState]:
    records = await read_topic(bootstrap, f"{app_id}-session-state-changelog")
    latest: dict[str, bytes] = {}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        if record.value is not None:
            latest[record.key.decode()] = record.value
    return {k: decode_state(v) for k, v in latest.items()}


def state_differences(got: dict[str, SessionState],
                      want: dict[str, SessionState]) -> list[tuple[str, str, Any, Any]]:
    """(session, field, table value, replay value) for every field that differs.

    A failing byte-for-byte comparison then says which session and which field
    went wrong instead of only ``False``.
    """
    out: list[tuple[str, str, Any, Any]] = []
    for key in sorted(set(got) | set(want)):
        a, b = got.get(key), want.get(key)
        if a is None or b is None:
            out.append((key, "<missing>", a is not None, b is not None))
            continue
        for name in a.__slots__:
            va, vb = getattr(a, name), getattr(b, name)
            if va != vb:
                out.append((key, name, va, vb))
    return out
