"""Crafted session recordings whose relative quality is known by construction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from assess.recording import RecordedEvent

START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)

GOOD_CODE = '''"""Merge overlapping intervals."""


def merge(intervals: list[list[int]]) -> list[list[int]]:
    """Return the merged intervals, sorted by start."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            # Overlap: extend the last interval.
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def total_length(intervals: list[list[int]]) -> int:
    """Total covered length after merging."""
    return sum(end - start for start, end in merge(intervals))
'''

#: The first attempt: touching intervals are not merged (``<`` where ``<=`` belongs).
FIRST_DRAFT = GOOD_CODE.replace("start <= merged[-1][1]", "start < merged[-1][1]")

MESSY_CODE = '''import os,sys
import json
def f(x):
  r=[]
  for i in x:
    if i:
      if i[0]:
        if i[1]:
          if len(r)>0 and r[-1][1]>=i[0] and r[-1][1]>=i[0] and r[-1][1]>=i[0] and r[-1][1]>=i[0]:
            r[-1][1]=max(r[-1][1],i[1])
          else:
            r.append(i)
  return r
def g(a,b):
  l=f(a)
  return l
'''

FOCUSED_PROMPTS = (
    "My merge() fails on [[1,4],[4,5]]: expected [[1,5]] but it returns two intervals. "
    "Why does the overlap check miss touching ends?",
    "How do I sort the intervals by start so that the loop only compares neighbours? "
    "I want to keep merge() linear after sorting.",
)
DELEGATING_PROMPTS = ("write it all for me", "just give me the full solution")


class Recorder:
    """Builds a recording: one event per call, ids ``interview:0:<offset>``."""

    def __init__(self, session_id: str = "sess-1", candidate_id: str = "cand-42") -> None:
        self.session_id = session_id
        self.candidate_id = candidate_id
        self.events: list[RecordedEvent] = []

    def add(self, kind: str, at: float, **data: Any) -> RecordedEvent:
        seq = len(self.events)
        stamp = START + timedelta(seconds=at)
        event = RecordedEvent(
            event_id=f"interview:0:{100 + seq}", seq=seq, type=kind, timestamp=stamp,
            data={"sessionId": self.session_id, "timestamp": stamp.isoformat(), **data})
        self.events.append(event)
        return event

    def start(self, **extra: Any) -> RecordedEvent:
        return self.add("session-started", 0, candidateId=self.candidate_id, questionId="q-1",
                        difficulty=5, questionSeed="seed", **extra)

    def ask(self, at: float, message: str, files: tuple[str, ...] = ()) -> RecordedEvent:
        return self.add("ai-interaction", at, candidateMessage=message,
                        aiResponse="Compare the start with the previous end.",
                        toolsUsed=["edit_file"] if files else [], filesModified=list(files))

    def edit(self, at: float, code: str, trigger: str = "manual") -> RecordedEvent:
        return self.add("code-changed", at, files={"solution.py": code}, trigger=trigger)

    def test(self, at: float, passed: int, total: int = 10,
             coverage: float | None = None, output: str = "") -> RecordedEvent:
        data: dict[str, Any] = {"passed": passed, "failed": total - passed, "total": total,
                                "output": output or f"{passed} passed, {total - passed} failed"}
        if coverage is not None:
            data["coverage"] = coverage
        return self.add("test-run", at, **data)

    def complete(self, at: float, code: str, **extra: Any) -> RecordedEvent:
        return self.add("session-complete", at, candidateId=self.candidate_id,
                        questionId="q-1", duration=at, finalCode={"solution.py": code}, **extra)


def good_session(prompts: tuple[str, ...] = FOCUSED_PROMPTS,
                 candidate_id: str = "cand-42", **start_extra: Any) -> list[RecordedEvent]:
    """Iterative work: failing -> passing, a helpful AI edit, clean documented final code."""
    rec = Recorder(candidate_id=candidate_id)
    rec.start(**start_extra)
    rec.ask(60, prompts[0])
    rec.edit(120, FIRST_DRAFT)
    rec.test(150, passed=6, coverage=70)
    rec.ask(200, prompts[1], files=("solution.py",))
    rec.edit(210, GOOD_CODE, trigger="ai")
    rec.test(240, passed=10, coverage=90)
    rec.edit(300, GOOD_CODE)
    rec.test(330, passed=10, coverage=92)
    rec.complete(1200, GOOD_CODE)
    return rec.events


def bad_session(prompts: tuple[str, ...] = DELEGATING_PROMPTS) -> list[RecordedEvent]:
    """AI does everything, tests regress and stay failing, messy undocumented final code."""
    rec = Recorder(session_id="sess-2", candidate_id="cand-7")
    rec.start()
    rec.ask(60, prompts[0], files=("solution.py",))
    rec.edit(70, MESSY_CODE, trigger="ai")
    rec.test(100, passed=3)
    rec.ask(400, prompts[1], files=("solution.py",))
    rec.edit(410, MESSY_CODE, trigger="ai")
    rec.test(430, passed=1)
    rec.complete(1200, MESSY_CODE)
    return rec.events
