"""A completed session, read from its recording into the facts the scorers need.

Only behaviour is read: test runs, code changes, AI interactions, timings and the
final code. Fields that say who the candidate is (``candidateId``,
``candidateEmail``, ``candidateName``) are never touched here, so no deterministic
method can depend on identity. Times are seconds since the session started.

The events are read in event-time order (:func:`assess.recording.in_event_order`);
events stamped before the start or after the end are kept out of every fact (their
times cannot be trusted) and reported in ``order``. A test run whose counts do not
add up (negative, or passed + failed above total) is never scored: it is listed in
``rejected_runs`` instead.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assess.evaluation.errors import EvaluationError, SessionNotComplete
from assess.recording import OrderReport, RecordedEvent, in_event_order

__all__ = ["AiTurn", "CodeChange", "CodeFile", "SessionView", "TestRunFact", "final_code",
           "per_view"]


@dataclass(frozen=True, slots=True)
class TestRunFact:
    """One ``test-run``: counts, optional coverage (0-100) and the pass ratio (0-1)."""

    __test__ = False  # not a pytest class
    event: RecordedEvent
    passed: int
    failed: int
    total: int
    coverage: float | None
    output: str
    failing_tests: tuple[str, ...] = ()

    @property
    def ratio(self) -> float:
        """Share of tests passing; 0 when the run reported no tests."""
        denominator = self.total if self.total > 0 else self.passed + self.failed
        return self.passed / denominator if denominator > 0 else 0.0

    @property
    def all_pass(self) -> bool:
        """True when at least one test ran and none failed."""
        return self.passed > 0 and self.failed == 0 and self.passed >= self.total


@dataclass(frozen=True, slots=True)
class CodeChange:
    """One ``code-changed`` event: who triggered it (manual, ai, test) and the files' contents."""

    event: RecordedEvent
    trigger: str
    files: tuple[str, ...]
    contents: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class AiTurn:
    """One ``ai-interaction``: the candidate's prompt, the reply and the files the AI modified."""

    event: RecordedEvent
    message: str
    files_modified: tuple[str, ...]
    response: str = ""


@dataclass(frozen=True, slots=True)
class CodeFile:
    """A file of the final code and the event whose data holds that content."""

    path: str
    content: str
    event: RecordedEvent


@dataclass(frozen=True, slots=True)
class SessionView:
    """The behavioural facts of one completed session, in event-time order.

    ``events`` are the events scored (inside the session); ``order`` names the ones
    out of place; ``rejected_runs`` the test runs whose counts do not add up.
    """

    session_id: str
    events: tuple[RecordedEvent, ...]
    start: RecordedEvent
    complete: RecordedEvent
    duration: float
    test_runs: tuple[TestRunFact, ...]
    changes: tuple[CodeChange, ...]
    turns: tuple[AiTurn, ...]
    files: tuple[CodeFile, ...]
    order: OrderReport = field(default_factory=OrderReport)
    rejected_runs: tuple[RecordedEvent, ...] = ()

    @classmethod
    def from_recording(cls, recording: Sequence[RecordedEvent]) -> SessionView:
        """Read a recording; raises SessionNotComplete without a ``session-complete`` event."""
        ordered = in_event_order(recording)
        outside = {*ordered.report.before_start, *ordered.report.after_end}
        events = tuple(e for e in ordered.events if e.event_id not in outside)
        complete = next((e for e in reversed(events) if e.type == "session-complete"), None)
        if complete is None:
            raise SessionNotComplete(
                "the recording has no session-complete event; refusing to score a live session")
        start = next((e for e in events if e.type == "session-started"), events[0])
        session_id = _text(complete.data, "sessionId") or _text(start.data, "sessionId")
        if not session_id:
            raise EvaluationError("the session-complete event carries no sessionId")
        runs = [(e, _test_run(e)) for e in events if e.type == "test-run"]
        return cls(
            session_id=session_id, events=events, start=start, complete=complete,
            duration=_duration(start, complete),
            test_runs=tuple(run for _, run in runs if run is not None),
            changes=tuple(_change(e) for e in events if e.type == "code-changed"),
            turns=tuple(_turn(e) for e in events if e.type == "ai-interaction"),
            files=_final_files(events, complete), order=ordered.report,
            rejected_runs=tuple(e for e, run in runs if run is None))

    @property
    def suite_size(self) -> int:
        """The most tests any run reported: the size of the whole suite (0 without runs)."""
        return max((run.total for run in self.test_runs), default=0)

    @property
    def full_runs(self) -> tuple[TestRunFact, ...]:
        """Runs of the whole suite; runs of a subset are not comparable with them."""
        size = self.suite_size
        return tuple(run for run in self.test_runs if size > 0 and run.total == size)

    def seconds(self, event: RecordedEvent) -> float:
        """Seconds from the session start to ``event`` (never negative)."""
        return max(0.0, (event.timestamp - self.start.timestamp).total_seconds())

    def event_ids(self) -> frozenset[str]:
        """Ids of every event in the recording, for checking evidence pointers."""
        return frozenset(e.event_id for e in self.events)


_T = TypeVar("_T")
_MEMO_VIEWS = 8


def per_view(compute: Callable[[SessionView], _T]) -> Callable[[SessionView], _T]:
    """Memoise ``compute`` for the last few views, by identity.

    Several scorers derive the same facts (edits, vocabulary, AI authorship) from
    one view; views hold dicts and are not hashable, so the memo keys on ``id`` and
    keeps the view itself to rule out a reused id.
    """
    memo: OrderedDict[int, tuple[SessionView, _T]] = OrderedDict()

    def cached(view: SessionView) -> _T:
        hit = memo.get(id(view))
        if hit is not None and hit[0] is view:
            return hit[1]
        value = compute(view)
        memo[id(view)] = (view, value)
        while len(memo) > _MEMO_VIEWS:
            memo.popitem(last=False)
        return value

    return cached


def final_code(recording: Sequence[RecordedEvent]) -> dict[str, str]:
    """The session's final files: ``finalCode`` of session-complete, else the last edits."""
    view = SessionView.from_recording(recording)
    return {f.path: f.content for f in view.files}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _number(data: Mapping[str, Any], key: str) -> float | None:
    """A finite number, else None (booleans, strings and NaN/inf are not numbers here)."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _count(data: Mapping[str, Any], key: str) -> int | None:
    """A whole, non-negative count, else None."""
    value = _number(data, key)
    return int(value) if value is not None and value >= 0 and value == int(value) else None


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _files(data: Mapping[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _duration(start: RecordedEvent, complete: RecordedEvent) -> float:
    """Session length in seconds: the reported ``duration``, else the timestamp gap."""
    reported = _number(complete.data, "duration")
    if reported is not None and reported > 0:
        return reported
    return max(0.0, (complete.timestamp - start.timestamp).total_seconds())


def _test_run(event: RecordedEvent) -> TestRunFact | None:
    """The run's facts, or None when its counts are missing or do not add up."""
    data = event.data
    passed, failed, total = (_count(data, k) for k in ("passed", "failed", "total"))
    if passed is None or failed is None or total is None or passed + failed > total:
        return None
    coverage = _number(data, "coverage")
    return TestRunFact(
        event=event, passed=passed, failed=failed, total=total,
        coverage=None if coverage is None or not 0 <= coverage <= 100 else coverage,
        output=_text(data, "output"), failing_tests=_strings(data, "failingTests"))


def _change(event: RecordedEvent) -> CodeChange:
    files = _files(event.data, "files")
    return CodeChange(event=event, trigger=_text(event.data, "trigger") or "manual",
                      files=tuple(files), contents=tuple(files.items()))


def _turn(event: RecordedEvent) -> AiTurn:
    return AiTurn(event=event, message=_text(event.data, "candidateMessage"),
                  files_modified=_strings(event.data, "filesModified"),
                  response=_text(event.data, "aiResponse"))


def _final_files(events: tuple[RecordedEvent, ...],
                 complete: RecordedEvent) -> tuple[CodeFile, ...]:
    """Final code with its source event, so code evidence points at a real event."""
    final = _files(complete.data, "finalCode")
    if final:
        return tuple(CodeFile(path, text, complete) for path, text in sorted(final.items()))
    latest: dict[str, CodeFile] = {}
    for event in events:
        if event.type == "code-changed":
            for path, text in _files(event.data, "files").items():
                latest[path] = CodeFile(path, text, event)
    return tuple(latest[path] for path in sorted(latest))
