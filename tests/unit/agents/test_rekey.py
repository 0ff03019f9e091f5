"""Events keyed by a BullMQ job id (or not keyed) are re-published under the session id."""

from __future__ import annotations

import asyncio
import json

from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import InterviewWrites
from agents.interview import InterviewProcessor
from agents.messages import OutMessage, RawMessage
from tables.state import decode_state
from tests.support.replay import MemoryStore

CHAT = {"sessionId": "rec_9", "timestamp": "2026-01-05T10:00:00.000Z",
        "candidateMessage": "fix it", "aiResponse": "done", "toolsUsed": [],
        "filesModified": []}
JOB_ID = b"rec_9_ai-interaction_1736071200000"


def run(messages: list[RawMessage]) -> tuple[MemoryStore, list[OutMessage], InterviewWrites]:
    store, out, writes = MemoryStore(), [], InterviewWrites()

    async def send(message: OutMessage) -> None:
        out.append(message)

    async def write(batch: InterviewWrites, failed: list[FailedJob]) -> None:
        writes.events.extend(batch.events)

    processor = InterviewProcessor(store=store, send=send, write=write)
    asyncio.run(processor.process_batch(messages))
    return store, out, writes


def test_job_id_key_is_rekeyed_with_the_job_id_as_event_id() -> None:
    headers = (("type", b"ai-interaction"), ("jobId", JOB_ID))
    msg = RawMessage("interview", 3, 10, JOB_ID, json.dumps(CHAT).encode(), headers)
    store, [forward], writes = run([msg])
    assert forward.topic == "interview" and forward.key == b"rec_9"
    assert json.loads(forward.value) == {"type": "ai-interaction", "eventId": JOB_ID.decode(),
                                         "opts": {"jobId": JOB_ID.decode()}, "data": CHAT}
    assert store.data == {} and writes.events == [], "applied when it comes back, not here"
    back = RawMessage("interview", 1, 4, forward.key, forward.value)
    store, out, writes = run([back, back])
    assert out == [] and decode_state(store.data["rec_9"]).usage.interactions == 1
    [row] = {r.event_key for r in writes.events}
    assert row == f"id:{JOB_ID.decode()}"
    assert json.loads(writes.events[0].payload)["data"] == CHAT, "stored as the envelope"


def test_missing_key_is_rekeyed_and_a_foreign_key_refused() -> None:
    body = json.dumps({"type": "ai-interaction", "data": CHAT}).encode()
    _, [forward], _ = run([RawMessage("interview", 0, 1, None, body)])
    assert forward.key == b"rec_9" and forward.value == body
    _, [letter], _ = run([RawMessage("interview", 0, 2, b"rec_10", body)])
    assert letter.topic == "interview.dlq"
    assert dict(letter.headers)["x-dlq-reason"] == b"bad_key"
