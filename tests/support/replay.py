"""Ground truth for fault tests: a clean replay of the input topic, and the table's state.

The replay runs the same batch processor the worker runs, in memory, one
record at a time in partition order, with nothing killed. The worker's table
state is read back from its changelog topic (the newest value per key).
"""

from __future__ import annotations

from typing import Any

from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import InterviewWrites
from agents.interview import InterviewProcessor
from agents.messages import OutMessage, RawMessage
from streams.topics import TopicNames
from tables.config import ReducerConfig
from tables.state import SessionState, decode_state
from tests.support.kafka import read_topic

__all__ = ["MemoryStore", "changelog_states", "replay_states"]


class MemoryStore:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes, partition: int) -> None:
        self.data[key] = value


async def replay_states(records: list[Any], prefix: str) -> dict[str, SessionState]:
    """Fold every record of the interview topic, in partition/offset order."""
    store = MemoryStore()

    async def send(out: OutMessage) -> None:
        return None

    async def write(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        return None

    processor = InterviewProcessor(store=store, send=send, write=write,
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
