"""Ten lanes at once never run two events of one session together, and end in the same
state as a sequential replay."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import InterviewWrites
from agents.interview import InterviewProcessor
from agents.lanes import lane_of, run_in_lanes
from agents.messages import OutMessage, RawMessage
from interviewlm.synthetic import generate_session, plan_sessions
from tests.support.replay import MemoryStore


class SlowItems:
    """An item bank whose look-ups take a random few milliseconds, and which records
    whether two look-ups for one session ever overlap."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.in_flight: set[str] = set()
        self.overlaps = 0
        self.max_concurrent = 0

    async def prefetch(self, question_id: str) -> None:
        session = question_id.split("|")[0]
        if session in self.in_flight:
            self.overlaps += 1
        self.in_flight.add(session)
        self.max_concurrent = max(self.max_concurrent, len(self.in_flight))
        await asyncio.sleep(self.rng.random() * 0.003)
        self.in_flight.discard(session)

    def get(self, question_id: str) -> Any:
        return None


def interleaved_messages(n_sessions: int, seed: int) -> list[RawMessage]:
    rng = random.Random(seed)
    queues = []
    for plan in plan_sessions(n_sessions, 27, seed):
        events = generate_session(plan, seed).events
        for event in events:  # question ids carry the session, for overlap tracking
            if event["type"] == "question-answered":
                event["data"]["questionId"] = f"{plan.session_id}|{event['data']['questionId']}"
        queues.append(events)
    out, offset = [], 0
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        event = queue.pop(0)
        out.append(RawMessage("interview", 0, offset, event["data"]["sessionId"].encode(),
                              json.dumps(event).encode()))
        offset += 1
    return out


async def run(messages: list[RawMessage], lanes: int, batch: int) -> tuple[dict[str, bytes],
                                                                           SlowItems]:
    store, items = MemoryStore(), SlowItems(seed=lanes)

    async def send(out: OutMessage) -> None:
        return None

    async def write(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        await asyncio.sleep(0)

    processor = InterviewProcessor(store=store, send=send, write=write, items=items,
                                   lanes=lanes)
    for start in range(0, len(messages), batch):
        await processor.process_batch(messages[start:start + batch])
    return store.data, items


def test_lanes_match_sequential_replay_and_never_overlap_a_session() -> None:
    messages = interleaved_messages(40, seed=3)
    concurrent, items = asyncio.run(run(messages, lanes=10, batch=200))
    sequential, _ = asyncio.run(run(messages, lanes=1, batch=1))
    assert items.overlaps == 0
    assert items.max_concurrent > 1  # lanes really did run at the same time
    assert concurrent.keys() == sequential.keys()
    assert all(concurrent[k] == sequential[k] for k in sequential)
    assert len(sequential) == 40


def test_lane_of_is_stable_and_spreads_keys() -> None:
    keys = [f"session-{i}".encode() for i in range(1000)]
    lanes = [lane_of(k, 10) for k in keys]
    assert lanes == [lane_of(k, 10) for k in keys]
    assert min(lanes.count(n) for n in range(10)) > 60


def test_run_in_lanes_keeps_per_key_order() -> None:
    seen: dict[bytes, list[int]] = {}

    async def handle(item: tuple[bytes, int]) -> None:
        await asyncio.sleep(random.random() / 1000)
        seen.setdefault(item[0], []).append(item[1])

    items = [(f"k{i % 7}".encode(), i) for i in range(200)]
    asyncio.run(run_in_lanes(items, lambda it: it[0], handle, lanes=4))
    assert all(order == sorted(order) for order in seen.values())
    assert sum(len(v) for v in seen.values()) == 200
