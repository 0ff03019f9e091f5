"""Scores stay in [0, 100] and confidences in [0, 1] for any recording, however odd.

Hypothesis builds recordings from every event type the evaluation reads, with
field values drawn from the whole JSON range (negative and huge counts, passed
above total, NaN and infinite numbers, wrong types, strings where lists belong),
timestamps in any order (before the start, after the end, equal), and arbitrary
interview signals. Every evaluation must be bounded, finite and cite only real
events.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.evaluation import InterviewSignals, score_session
from assess.recording import RecordedEvent

START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
CODE = ("def merge(xs):\n    # sort first\n    return sorted(xs)\n",
        "x=1\n", "", "function f(a) {\n  return a + 1;\n}\n")

numbers = st.one_of(st.integers(-10, 10), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
                    st.text(max_size=3))
#: Mostly plausible counts (so runs get scored and passed > total is common), sometimes junk.
counts = st.one_of(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12), numbers)
texts = st.one_of(st.text(max_size=40), st.sampled_from(["", "fix it", "merge() fails"]),
                  st.integers(), st.none())
files = st.one_of(st.dictionaries(st.sampled_from(["a.py", "b.js", "README.md", ""]),
                                  st.one_of(st.sampled_from(CODE), st.text(max_size=30),
                                            st.integers()), max_size=3),
                  st.lists(st.text(max_size=5), max_size=2), st.none())


def _data(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {
        "test-run": st.fixed_dictionaries({"passed": counts, "failed": counts,
                                           "total": counts, "coverage": numbers,
                                           "output": texts}),
        "code-changed": st.fixed_dictionaries({"files": files, "trigger": st.sampled_from(
            ["manual", "ai", "test", "", 3])}),
        "ai-interaction": st.fixed_dictionaries({
            "candidateMessage": texts, "aiResponse": texts,
            "filesModified": st.one_of(st.lists(st.text(max_size=6), max_size=2), texts)}),
        "question-answered": st.fixed_dictionaries({"questionId": texts, "isCorrect": st.one_of(
            st.booleans(), st.none()), "timeSpent": numbers}),
        "session-complete": st.fixed_dictionaries({"duration": numbers, "finalCode": files}),
        "adjust-difficulty": st.fixed_dictionaries({"newDifficulty": numbers}),
        "session-started": st.fixed_dictionaries({"difficulty": numbers}),
    }
    return fields[kind]


@st.composite
def recordings(draw: st.DrawFn) -> list[RecordedEvent]:
    kinds = draw(st.lists(st.sampled_from(["test-run", "code-changed", "ai-interaction",
                                           "question-answered", "adjust-difficulty"]),
                          max_size=12))
    kinds = ["session-started", *kinds, "session-complete"]
    order = draw(st.permutations(range(len(kinds))))
    events = []
    for seq, index in enumerate(order):
        kind = kinds[index]
        low, high = {"session-started": (-600, 60), "session-complete": (3000, 7200)}.get(
            kind, (-600, 7800))  # mostly inside the session, some before or after it
        offset = draw(st.integers(low, high))
        data = {"sessionId": "s-1", **draw(_data(kind))}
        events.append(RecordedEvent(f"interview:0:{seq}", seq, kind,
                                    START + timedelta(seconds=offset), data))
    return events


finite_or_not = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))
signals = st.one_of(st.none(), st.builds(InterviewSignals, theta=finite_or_not, se=finite_or_not,
                                         avg_prompt_quality=finite_or_not,
                                         ai_dependency=finite_or_not))


def _bounded(value: float, high: float) -> bool:
    return math.isfinite(value) and 0.0 <= value <= high


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recording=recordings(), interview=signals)
def test_any_recording_scores_within_bounds(recording: list[RecordedEvent],
                                            interview: InterviewSignals | None) -> None:
    result = score_session(recording, signals=interview)
    assert _bounded(result.overall_score, 100.0)
    assert _bounded(result.overall_confidence, 1.0)
    ids = {e.event_id for e in recording}
    for dimension in result.dimensions:
        assert _bounded(dimension.score, 100.0), dimension
        assert _bounded(dimension.confidence, 1.0), dimension
        for method_score in dimension.breakdown.values():
            assert _bounded(method_score, 100.0)
        assert all(item.event_id in ids for item in dimension.evidence)
