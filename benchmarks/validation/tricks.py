"""Gaming variants: each trick applied to an honest twin that is otherwise the same session.

The first nine are the tricks seen in the issue; the rest are ones a candidate who
knew the new rules might try next. A trick "pays" when the variant scores above its
twin; the done-when bound is 3 points overall and 5 on any dimension.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from benchmarks.validation.paths import solve
from benchmarks.validation.tasks import TESTS, VERSIONS
from benchmarks.validation.texts import PROMPTS

__all__ = ["TRICKS"]

Events = list[dict[str, Any]]
Trick = tuple[str, Callable[[], Events], Callable[[], Events], str]

SALAD = ("`a` error should. `b` bug must.", "`c` exception expected. `d` wrong instead.",
         "traceback assert because goal should explain why fails")
KEYWORDS = " because error expected should explain wrong instead bug assert traceback goal"
NAMES = " merge total_length sorted test_touching test_unsorted test_total_length solution.py"


def _mid(**kw: Any) -> Callable[[], Events]:
    """The honest average candidate: vague prompts, AI-applied fixes, correct bare code."""
    base: dict[str, Any] = {"prompts": "vague", "ai": "code", "final": "bare"}
    return lambda: solve("game", **{**base, **kw})


def _suffixed(name: str, suffix: str) -> tuple[str, str, str]:
    return tuple(p + suffix for p in PROMPTS[name])  # type: ignore[return-value]


def _at(events: Events, seconds: float) -> str:
    first = datetime.fromisoformat(events[0]["data"]["timestamp"].replace("Z", "+00:00"))
    return (first + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def _run(events: Events, seconds: float, passed: int, total: int) -> dict[str, Any]:
    return {"type": "test-run", "data": {
        "sessionId": events[0]["data"]["sessionId"], "timestamp": _at(events, seconds),
        "passed": passed, "failed": total - passed, "total": total, "coverage": 90.0,
        "output": f"{passed} passed in 0.01s"}}


def _insert(events: Events, index: int, event: dict[str, Any]) -> Events:
    out = copy.deepcopy(events)
    out.insert(index, event)
    return out


def _trivial_first_run() -> Events:
    events = _mid()()
    return _insert(events, 1, _run(events, 30, 1, 1))


def _passing_run_before_start() -> Events:
    events = _mid()()
    return _insert(events, 0, _run(events, -600, len(TESTS), len(TESTS)))


def _reversed() -> Events:
    return list(reversed(_mid()()))


def _test_spam() -> Events:
    events = _mid()()
    last_run = max(i for i, e in enumerate(events) if e["type"] == "test-run")
    for k in range(6):
        repeat = copy.deepcopy(events[last_run])
        repeat["data"]["timestamp"] = _at(events, 2000 + 30 * k)
        events = _insert(events, len(events) - 1, repeat)
    return events


def _prompt_spam() -> Events:
    events = solve("game", prompts="decent", ai="code", final="bare")
    out: Events = []
    for event in events:
        out.append(event)
        if event["type"] == "ai-interaction":
            for k in range(1, 4):
                again = copy.deepcopy(event)
                again["data"]["timestamp"] = _at([event], k)
                out.append(again)
    return out


def _impossible_counts() -> Events:
    events = _mid()()
    run = _run(events, 330, 10, 10)
    run["data"].update(passed=30, failed=0, output="30 passed in 0.01s")  # 30 of 10
    return _insert(events, 2, run)


def _whole_file_pasted() -> tuple[str, str, str]:
    code = VERSIONS["sorted"].code
    return tuple(f"{p}\nHere is my whole file:\n{code}" for p in PROMPTS["decent"])  # type: ignore[return-value]


TRICKS: list[Trick] = [
    ("word-salad", _mid(), _mid(prompts=SALAD), "rubric words as prompts instead of vague ones"),
    ("keyword-stuffing", _mid(prompts="decent"),
     _mid(prompts=_suffixed("decent", KEYWORDS)), "rubric keywords appended to every prompt"),
    ("hollow-docs", _mid(), _mid(final="hollow_docs"), "# lines and \"\"\".\"\"\" docstrings"),
    ("empty-prompts", _mid(), _mid(prompts="empty"), 'empty prompts instead of "fix it"'),
    ("never-test", _mid(), _mid(runs="never"), "no test run at all"),
    ("trivial-first-run", _mid(), _trivial_first_run,
     "a one-test passing run right at the start"),
    ("manual-paste", _mid(), _mid(ai="paste"),
     "the AI's code pasted by hand (trigger manual) instead of applied by the AI"),
    ("reversed-order", _mid(), _reversed, "the events handed over in reverse order"),
    ("before-start", _mid(), _passing_run_before_start,
     "an all-passing run stamped ten minutes before the start"),
    ("name-stuffing", _mid(), _mid(prompts=_suffixed("vague", NAMES)),
     "every identifier of the session appended to vague prompts"),
    ("restated-docs", _mid(), _mid(final="restated_docs"),
     "docstrings and comments that restate the code, one docstring copied"),
    ("test-spam", _mid(), _test_spam, "six more runs without an edit"),
    ("prompt-spam", _mid(prompts="decent"), _prompt_spam, "every prompt sent four times"),
    ("impossible-counts", _mid(), _impossible_counts, "a run claiming 30 of 10 tests passed"),
    ("whole-file-paste", _mid(prompts="decent"), _mid(prompts=_whole_file_pasted()),
     "the whole file pasted into every prompt"),
]
