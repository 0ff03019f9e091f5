"""Realistic synthetic interview sessions in the platform's event format.

Each simulated candidate has a known true ability (theta, logits) and answers
each question correctly with the 3PL probability at that ability. Items are
picked the way the platform follows our recommendations: at the difficulty
level most informative for the current EAP estimate. That makes a simulated
session a measurement: the worker's final theta can be compared with the truth.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from assess.irt import (
    Grid,
    ItemParams,
    default_item_for_difficulty,
    eap,
    initial_log_posterior,
    prob_correct,
    recommend_difficulty,
    update,
)

__all__ = ["SessionPlan", "SyntheticSession", "generate_session", "plan_sessions"]

_PROMPTS_FOCUSED = [
    "The test `test_merge_intervals` fails with IndexError on line 12 of solution.py; "
    "why does my loop go past the end?",
    "How can I make `find_pairs` O(n) instead of O(n^2)? I want to keep the sorted output.",
    "My goal is to handle empty input in `parse_log`; is raising ValueError the right call?",
]
_PROMPTS_VAGUE = ["write it all for me", "fix it", "doesn't work", "help"]


@dataclass(frozen=True)
class SessionPlan:
    session_id: str
    candidate_id: str
    true_theta: float
    n_items: int
    chats_per_item: int = 2
    focused: bool = True


@dataclass
class SyntheticSession:
    plan: SessionPlan
    events: list[dict[str, Any]] = field(default_factory=list)


def plan_sessions(n_sessions: int, events_per_session: int = 30, seed: int = 7,
                  prefix: str = "sim") -> list[SessionPlan]:
    """Sessions with true abilities drawn from N(0, 1); about ``events_per_session`` each."""
    rng = np.random.default_rng(seed)
    per_item = 5  # chats(2) + code change + test run + answer
    n_items = max(1, (events_per_session - 2) // per_item)
    return [
        SessionPlan(f"{prefix}-{seed}-{i:06d}", f"cand-{seed}-{i:06d}",
                    float(rng.normal()), n_items, focused=bool(rng.random() < 0.6))
        for i in range(n_sessions)
    ]


def generate_session(plan: SessionPlan, seed: int = 0,
                     start: datetime | None = None) -> SyntheticSession:
    """The full event sequence of one session, timestamps one minute or so apart."""
    rng = np.random.default_rng([seed, zlib.crc32(plan.session_id.encode())])
    clock = _Clock(start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    session = SyntheticSession(plan)
    grid, log_post = Grid(), initial_log_posterior(Grid())
    difficulty = 5
    session.events.append(_event("session-started", plan, clock.tick(0), candidateId=
                                 plan.candidate_id, questionId="q-0", difficulty=difficulty,
                                 questionSeed=f"seed-{plan.session_id}"))
    for index in range(plan.n_items):
        theta_hat = eap(log_post, grid).theta
        item = _item_for(rng, recommend_difficulty(theta_hat))
        correct = bool(rng.random() < float(prob_correct(plan.true_theta, item)))
        session.events.extend(_work_on_item(rng, plan, clock, index, correct))
        session.events.append(_event(
            "question-answered", plan, clock.tick(30), questionId=f"q-{index}",
            answer="submitted", timeSpent=float(rng.integers(60, 600)), isCorrect=correct,
            itemParams={"a": item.a, "b": item.b, "c": item.c}))
        log_post = update(log_post, grid, item, 1.0 if correct else 0.0)
    session.events.append(_event(
        "session-complete", plan, clock.tick(60), candidateId=plan.candidate_id,
        questionId=f"q-{plan.n_items - 1}", duration=clock.elapsed(),
        finalCode={"solution.py": _code(plan.focused)}))
    return session


def _item_for(rng: np.random.Generator, difficulty: int) -> ItemParams:
    base = default_item_for_difficulty(difficulty)
    return ItemParams(a=float(np.clip(rng.normal(1.0, 0.1), 0.6, 1.4)), b=base.b, c=0.0)


def _work_on_item(rng: np.random.Generator, plan: SessionPlan, clock: _Clock, index: int,
                  correct: bool) -> Iterator[dict[str, Any]]:
    prompts = _PROMPTS_FOCUSED if plan.focused else _PROMPTS_VAGUE
    for _ in range(plan.chats_per_item):
        yield _event("ai-interaction", plan, clock.tick(45),
                     candidateMessage=str(rng.choice(prompts)),
                     aiResponse="Check the loop bound: use `range(len(xs) - 1)`.",
                     toolsUsed=["read_file"], filesModified=[])
    trigger = "manual" if plan.focused else str(rng.choice(["ai", "manual"]))
    yield _event("code-changed", plan, clock.tick(90), files={"solution.py": _code(
        plan.focused, index)}, trigger=trigger)
    total = 10
    passed = total if correct else int(rng.integers(2, total))
    yield _event("test-run", plan, clock.tick(20), passed=passed, failed=total - passed,
                 total=total, coverage=float(rng.integers(60, 95)),
                 output=f"{passed} passed, {total - passed} failed", questionId=f"q-{index}")


def _code(focused: bool, version: int = 0) -> str:
    if focused:
        return ('"""Merge overlapping intervals."""\n\n\ndef merge(xs: list[list[int]]) -> list:\n'
                '    """Return the merged intervals, sorted by start."""\n'
                '    out: list = []\n    for start, end in sorted(xs):\n'
                '        if out and start <= out[-1][1]:\n'
                '            out[-1][1] = max(out[-1][1], end)  # overlap: extend\n'
                '        else:\n            out.append([start, end])\n'
                f'    return out  # v{version}\n')
    return ("import os,sys\ndef f(x):\n  r=[]\n  for i in x:\n    r.append(i)\n"
            f"  return r # {version}\n")


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.start = self.now = start

    def tick(self, seconds: float) -> str:
        self.now += timedelta(seconds=seconds)
        return self.now.isoformat().replace("+00:00", "Z")

    def elapsed(self) -> float:
        return math.floor((self.now - self.start).total_seconds())


def _event(event_type: str, plan: SessionPlan, timestamp: str, **data: Any) -> dict[str, Any]:
    return {"type": event_type, "data": {"sessionId": plan.session_id, "timestamp": timestamp,
                                         **data}}
