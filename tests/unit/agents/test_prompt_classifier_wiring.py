"""The interview processor uses the classifier's score for new chats, never for duplicates."""

from __future__ import annotations

import asyncio
import json

from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import InterviewWrites
from agents.interview import InterviewProcessor
from agents.messages import OutMessage, RawMessage
from tables.state import decode_state, metrics_row
from tests.support.replay import MemoryStore

TS = "2026-01-05T09:0{}:00Z"


def chat(n: int, text: str) -> RawMessage:
    body = {"type": "ai-interaction", "data": {
        "sessionId": "s1", "timestamp": TS.format(n), "candidateMessage": text,
        "aiResponse": "ok", "toolsUsed": [], "filesModified": []}}
    return RawMessage("interview", 0, n, b"s1", json.dumps(body).encode())


def test_classifier_scores_replace_the_formula_and_duplicates_are_not_sent() -> None:
    calls: list[str] = []

    async def classify(session_id: str, prompt: str) -> float | None:
        calls.append(prompt)
        return None if "fallback" in prompt else 5.0

    async def send(out: OutMessage) -> None:
        return None

    async def write(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        return None

    store = MemoryStore()
    processor = InterviewProcessor(store=store, send=send, write=write, classify=classify)
    first, second = chat(1, "help"), chat(2, "fallback: help")
    asyncio.run(processor.process_batch([first, second]))
    asyncio.run(processor.process_batch([first]))  # redelivered: not classified again
    state = decode_state(store.data["s1"])
    assert calls == ["help", "fallback: help"]
    assert state.usage.interactions == 2
    # 5.0 from the classifier, the formula's 1.08 for "fallback: help" (two words)
    assert metrics_row(state)["avg_prompt_quality"] == 3.04
