"""Sample interview events built with the wire models, and a tiny fold helper."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from assess.items import ItemLookup
from streams.events import (
    AdjustDifficulty,
    AiInteraction,
    CodeChanged,
    Event,
    QuestionAnswered,
    SessionComplete,
    SessionStarted,
    TestRun,
)
from tables.config import ReducerConfig
from tables.reducer import Effect, Position, apply
from tables.state import SessionState

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SID = "sess-1"


def ts(seconds: float) -> str:
    """ISO-8601 time ``seconds`` after T0, with a trailing Z as the platform sends it."""
    return (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def started(t: float = 0, difficulty: int = 5, sid: str = SID) -> SessionStarted:
    return SessionStarted.model_validate(
        {
            "type": "session-started",
            "data": {
                "sessionId": sid,
                "timestamp": ts(t),
                "candidateId": "cand-1",
                "questionId": "q1",
                "difficulty": difficulty,
                "questionSeed": "seed",
            },
        }
    )


def chat(
    t: float,
    message: str = "How should `parse_row` in utils.py handle a KeyError?",
    response: str = "Check the key first.",
    tools: Sequence[str] = (),
    sid: str = SID,
) -> AiInteraction:
    return AiInteraction.model_validate(
        {
            "type": "ai-interaction",
            "data": {
                "sessionId": sid,
                "timestamp": ts(t),
                "candidateMessage": message,
                "aiResponse": response,
                "toolsUsed": list(tools),
                "filesModified": [],
            },
        }
    )


def code(
    t: float, files: dict[str, str] | None = None, trigger: str = "manual", sid: str = SID
) -> CodeChanged:
    return CodeChanged.model_validate(
        {
            "type": "code-changed",
            "data": {
                "sessionId": sid,
                "timestamp": ts(t),
                "files": files or {"main.py": "x = 1\n"},
                "trigger": trigger,
            },
        }
    )


def run(
    t: float,
    passed: int,
    failed: int,
    total: int | None = None,
    question: str | None = None,
    failing: list[str] | None = None,
    sid: str = SID,
) -> TestRun:
    data: dict[str, Any] = {
        "sessionId": sid,
        "timestamp": ts(t),
        "passed": passed,
        "failed": failed,
        "total": passed + failed if total is None else total,
        "output": "",
    }
    if question is not None:
        data["questionId"] = question
    if failing is not None:
        data["failingTests"] = failing
    return TestRun.model_validate({"type": "test-run", "data": data})


def answer(
    t: float,
    question: str = "q1",
    correct: bool | None = None,
    params: dict[str, float] | None = None,
    time_spent: float = 120.0,
    sid: str = SID,
) -> QuestionAnswered:
    data: dict[str, Any] = {
        "sessionId": sid,
        "timestamp": ts(t),
        "questionId": question,
        "answer": "def f(): ...",
        "timeSpent": time_spent,
    }
    if correct is not None:
        data["isCorrect"] = correct
    if params is not None:
        data["itemParams"] = params
    return QuestionAnswered.model_validate({"type": "question-answered", "data": data})


def complete(t: float, sid: str = SID) -> SessionComplete:
    return SessionComplete.model_validate(
        {
            "type": "session-complete",
            "data": {
                "sessionId": sid,
                "timestamp": ts(t),
                "candidateId": "cand-1",
                "questionId": "q1",
                "duration": t,
                "finalCode": {},
            },
        }
    )


def adjust(t: float, level: int, sid: str = SID) -> AdjustDifficulty:
    return AdjustDifficulty.model_validate(
        {
            "type": "adjust-difficulty",
            "data": {
                "sessionId": sid,
                "timestamp": ts(t),
                "newDifficulty": level,
                "irtTheta": 0.0,
                "reason": "echo",
            },
        }
    )


@dataclass
class Folded:
    """The state after a fold, every effect produced, in order."""

    state: SessionState | None = None
    effects: list[Effect] = field(default_factory=list)

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.effects if isinstance(e, kind)]


def fold(
    events: Iterable[Event],
    config: ReducerConfig | None = None,
    items: ItemLookup | None = None,
    start: Folded | None = None,
    topic: str = "interview",
    partition: int = 0,
    first_offset: int = 0,
) -> Folded:
    """Apply ``events`` at consecutive offsets of one partition."""
    out = start or Folded()
    offset = first_offset
    if out.state is not None:
        offset = max(out.state.applied.get(f"{topic}:{partition}", -1) + 1, first_offset)
    for event in events:
        outcome = apply(out.state, event, Position(topic, partition, offset), config, items)
        out.state = outcome.state
        out.effects.extend(outcome.effects)
        offset += 1
    return out
