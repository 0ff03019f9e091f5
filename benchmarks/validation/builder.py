"""Writing a crafted session as the platform would send it: ``[{"type", "data"}, ...]``.

A session is a short script of actions; test results follow from the current code
version (:mod:`benchmarks.validation.tasks`), so no session can claim a result its
code would not get. Times are seconds after 2025-03-03T10:00:00Z.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.validation.tasks import TESTS, VERSIONS, test_output

__all__ = ["START", "Script", "fenced"]

START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def fenced(code: str, text: str = "Here is a version that handles it:") -> str:
    """An AI reply that explains and then shows code in a Markdown fence."""
    return f"{text}\n```python\n{code}```\nRun the tests to confirm."


@dataclass
class Script:
    """Builds one session's events; ``at`` is the clock in seconds since the start."""

    session_id: str
    candidate_id: str = "cand-001"
    identity: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    at: float = 0.0
    version: str = "stub"

    def _add(self, kind: str, wait: float, **data: Any) -> Script:
        self.at += wait
        stamp = (START + timedelta(seconds=self.at)).isoformat().replace("+00:00", "Z")
        self.events.append({"type": kind, "data": {"sessionId": self.session_id,
                                                   "timestamp": stamp, **data}})
        return self

    def start(self, difficulty: int = 5) -> Script:
        return self._add("session-started", 0, candidateId=self.candidate_id,
                         questionId="merge-intervals", difficulty=difficulty,
                         questionSeed="seed-7", **self.identity)

    def ask(self, message: str, reply: str = "Look at how the loop compares neighbours.",
            wait: float = 60, edits: bool = False) -> Script:
        return self._add("ai-interaction", wait, candidateMessage=message, aiResponse=reply,
                         toolsUsed=["edit_file"] if edits else [],
                         filesModified=["solution.py"] if edits else [])

    def edit(self, version: str, trigger: str = "manual", wait: float = 120,
             code: str | None = None) -> Script:
        self.version = version
        return self._add("code-changed", wait, trigger=trigger,
                         files={"solution.py": code if code is not None
                                else VERSIONS[version].code})

    def run(self, wait: float = 20, subset: tuple[str, ...] | None = None) -> Script:
        """A test run of the current version: the whole suite, or only ``subset``."""
        current = VERSIONS[self.version]
        tests = subset if subset is not None else TESTS
        failing = tuple(t for t in current.failing if t in tests)
        return self._add("test-run", wait, passed=len(tests) - len(failing),
                         failed=len(failing), total=len(tests), coverage=current.coverage,
                         output=test_output(failing) if subset is None
                         else f"{len(tests) - len(failing)} passed in 0.01s",
                         failingTests=[f"tests/test_intervals.py::{t}" for t in failing])

    def answer(self, question: str, correct: bool, wait: float = 90) -> Script:
        return self._add("question-answered", wait, questionId=question, answer="O(n log n)",
                         timeSpent=wait, isCorrect=correct)

    def complete(self, at: float = 3600) -> list[dict[str, Any]]:
        """End the session at ``at`` seconds (or a second later, if the script ran over)."""
        wait = max(1.0, at - self.at)
        self._add("session-complete", wait, candidateId=self.candidate_id,
                  questionId="merge-intervals", duration=self.at + wait,
                  finalCode={"solution.py": self.events_code()}, **self.identity)
        return self.events

    def events_code(self) -> str:
        """The last code the session wrote."""
        for event in reversed(self.events):
            if event["type"] == "code-changed":
                return str(event["data"]["files"]["solution.py"])
        return VERSIONS["stub"].code
