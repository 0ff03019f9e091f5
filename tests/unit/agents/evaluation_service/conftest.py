"""Fixtures: a fake Anthropic server per test and recordings with known identity data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from assess.evaluation import DIMENSIONS
from assess.recording import RecordedEvent
from tests.fake_anthropic import FakeAnthropic
from tests.unit.assess.evaluation.sessions import good_session

NAME, EMAIL = "Ada Lovelace", "ada.lovelace@example.com"


def review_for(recording: list[RecordedEvent], score: float = 70.0) -> dict[str, Any]:
    """A complete, valid review citing real events of ``recording``."""
    entry = {"score": score, "rationale": "Iterates with tests; prompts name the failing case.",
             "evidence": [{"event_id": recording[3].event_id, "snippet": "6 passed"}]}
    return {name: dict(entry) for name in DIMENSIONS}


def session(session_id: str = "sess-1", candidate_id: str = "cand-42") -> list[RecordedEvent]:
    """A good session whose session-started names the candidate and whose prompt does too."""
    events = good_session(candidate_id=candidate_id, candidateName=NAME, candidateEmail=EMAIL)
    out = []
    for event in events:
        data = {**event.data, "sessionId": session_id}
        if event.seq == 1:
            data["candidateMessage"] = f"I'm {NAME}, {EMAIL}. " + str(data["candidateMessage"])
        out.append(RecordedEvent(f"{session_id}:0:{event.seq}", event.seq, event.type,
                                 event.timestamp, data))
    return out


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic(default_tool_input=review_for(session())) as server:
        yield server
