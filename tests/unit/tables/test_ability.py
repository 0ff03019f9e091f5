"""The reducer's ability estimate: item parameters, scoring, EAP, difficulty, stability."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest

from assess.irt import (
    Grid,
    ItemParams,
    Response,
    default_item_for_difficulty,
    eap,
    log_posterior_from,
    recommend_difficulty,
    update,
)
from assess.items import InMemoryItemBank, InvalidItemParameters
from streams.events import Event, ItemParamsIn, QuestionAnswered
from tables.config import ReducerConfig
from tables.reducer import (
    EstimateStable,
    Position,
    PublishAdjustDifficulty,
    RequestEvaluation,
    ThetaPoint,
    apply,
)
from tables.state import encode_state
from tests.unit.tables.builders import adjust, answer, code, complete, fold, run, started, ts

KNOWN = [
    ({"a": 1.2, "b": -0.5, "c": 0.0}, True),
    ({"a": 0.8, "b": 0.4, "c": 0.2}, True),
    ({"a": 1.7, "b": 1.1, "c": 0.0}, False),
    ({"a": 1.0, "b": 0.9, "c": 0.25}, True),
    ({"a": 2.1, "b": 1.6, "c": 0.1}, False),
]


def test_known_items_end_with_the_theta_assess_irt_computes() -> None:
    events: list[Event] = [started(0)]
    events += [
        answer(60 * (i + 1), f"q{i}", correct=ok, params=p) for i, (p, ok) in enumerate(KNOWN)
    ]
    folded = fold(events)
    grid = Grid()
    direct = eap(
        log_posterior_from([Response(ItemParams(**p), float(ok)) for p, ok in KNOWN], grid),
        grid,
    )
    assert folded.state is not None
    assert folded.state.theta == pytest.approx(direct.theta, abs=1e-12)
    assert folded.state.se == pytest.approx(direct.se, abs=1e-12)
    points = folded.of(ThetaPoint)
    assert [p.seq for p in points] == [0, 1, 2, 3, 4]
    assert [(p.a, p.b, p.c) for p in points] == [(p["a"], p["b"], p["c"]) for p, _ in KNOWN]
    assert points[-1].theta == folded.state.theta
    assert points[2].event_id == "interview:0:3" and points[2].score == 0.0


def test_item_parameters_come_from_event_then_bank_then_default() -> None:
    bank = InMemoryItemBank({"banked": ItemParams(1.4, 0.7, 0.1), "both": ItemParams(2.0, 2.0)})
    events: list[Event] = [
        started(0, difficulty=3),
        answer(10, "both", correct=True, params={"a": 0.9, "b": -1.0, "c": 0.0}),
        answer(20, "banked", correct=True),
        answer(30, "unknown", correct=False),
    ]
    points = fold(events, items=bank).of(ThetaPoint)
    assert [(p.a, p.b, p.c) for p in points[:2]] == [(0.9, -1.0, 0.0), (1.4, 0.7, 0.1)]
    # the third uses the default item of the current difficulty (3, or the adjusted level)
    folded = fold(events[:3], items=bank)
    assert folded.state is not None and folded.state.difficulty is not None
    default = default_item_for_difficulty(folded.state.difficulty)
    assert (points[2].a, points[2].b, points[2].c) == (default.a, default.b, default.c)


@dataclass
class _Raw:
    a: float
    b: float
    c: float = 0.0


class _BadBank:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def get(self, question_id: str) -> Any:
        return self.raw


def _bad_event_params(a: float, b: float, c: float) -> QuestionAnswered:
    """A valid answer whose item parameters are swapped for unvalidated ones."""
    good = answer(60, "q9", correct=True, params={"a": 1.0, "b": 0.0})
    bad_params = ItemParamsIn.model_construct(a=a, b=b, c=c)
    data = good.data.model_copy(update={"item_params": bad_params})
    return good.model_copy(update={"data": data})


@pytest.mark.parametrize(
    ("event", "bank", "source"),
    [
        (_bad_event_params(a=0.0, b=0.0, c=0.0), None, "event"),
        (_bad_event_params(a=1.0, b=0.0, c=1.0), None, "event"),
        (_bad_event_params(a=1.0, b=math.nan, c=0.0), None, "event"),
        (answer(60, "q9", correct=True), _BadBank(_Raw(-1.0, 0.0)), "bank"),
        (answer(60, "q9", correct=True), _BadBank(_Raw(1.0, 0.0, -0.1)), "bank"),
        (answer(60, "q9", correct=True), _BadBank(_Raw(math.nan, 0.0)), "bank"),
        (answer(60, "q9", correct=True), _BadBank(object()), "bank"),
    ],
)
def test_invalid_item_params_raise_before_any_state_change(
    event: QuestionAnswered, bank: Any, source: str
) -> None:
    folded = fold([started(0), answer(30, "q1", correct=True)])
    before = folded.state
    assert before is not None
    snapshot = encode_state(before)
    with pytest.raises(InvalidItemParameters) as info:
        apply(before, event, Position("interview", 0, 2), None, bank)
    assert isinstance(info.value, ValueError)
    assert info.value.source == source and "q9" in str(info.value)
    assert encode_state(before) == snapshot
    # the position was not consumed: a valid event there still applies
    outcome = apply(before, answer(60, "q9", correct=True), Position("interview", 0, 2))
    assert not outcome.duplicate and outcome.state.questions_answered == 2


def test_partial_credit_from_the_latest_test_run_of_the_question() -> None:
    events: list[Event] = [
        started(0),
        run(10, passed=1, failed=3),
        run(20, passed=3, failed=1),  # latest run with tests, after the start: 3/4
        run(25, passed=0, failed=0, total=0),  # no tests: ignored
        answer(30, "q1"),
        answer(40, "q2"),  # no run since q1 was answered: no score
        run(50, passed=2, failed=3, question="q9"),  # tagged with another question
        answer(60, "q3"),
        run(70, passed=1, failed=4, question="q4"),
        answer(80, "q4"),
        run(90, passed=5, failed=0),
        answer(100, "q5", correct=False),  # isCorrect wins over the run
    ]
    scores = [p.score for p in fold(events).of(ThetaPoint)]
    assert scores == [0.75, None, None, 0.2, 0.0]


def test_a_response_without_score_is_counted_but_does_not_move_theta() -> None:
    folded = fold([started(0, difficulty=1), answer(30, "q1", correct=True)])
    before = folded.state
    assert before is not None
    after = fold([answer(60, "q2")], start=folded)
    state = after.state
    assert state is not None
    assert state.log_posterior == before.log_posterior
    assert (state.theta, state.se) == (before.theta, before.se)
    assert (state.questions_answered, state.scored_responses) == (2, 1)
    assert (state.correct, state.incorrect) == (1, 0)
    assert before.theta is not None and before.se is not None and before.difficulty
    assert after.effects[-1] == ThetaPoint(
        state.session_id,
        1,
        "interview:0:2",
        "q2",
        "2025-03-01T09:01:00+00:00",
        None,
        before.theta,
        before.se,
        1.0,
        default_item_for_difficulty(before.difficulty).b,
        0.0,
    )


PARAMS = {"a": 1.5, "b": 0.5, "c": 0.0}


def _level_after_one_correct() -> tuple[float, int]:
    grid = Grid()
    log_post = update(grid.log_prior.copy(), grid, ItemParams(**PARAMS), 1.0)
    theta = eap(log_post, grid).theta
    return theta, recommend_difficulty(theta)


@pytest.mark.parametrize(
    ("gap", "threshold", "emitted"), [(2, 2, True), (1, 2, False), (3, 3, True), (2, 3, False)]
)
def test_adjust_difficulty_is_emitted_exactly_at_the_threshold(
    gap: int, threshold: int, emitted: bool
) -> None:
    theta, level = _level_after_one_correct()
    current = level - gap if level - gap >= 1 else level + gap
    config = ReducerConfig(difficulty_change_threshold=threshold)
    folded = fold([started(0, difficulty=current), answer(30, correct=True, params=PARAMS)], config)
    adjusts = folded.of(PublishAdjustDifficulty)
    assert folded.state is not None and folded.state.recommended_difficulty == level
    if not emitted:
        assert adjusts == [] and folded.state.difficulty == current
        return
    (effect,) = adjusts
    assert (effect.new_difficulty, effect.previous_difficulty) == (level, current)
    assert effect.theta == pytest.approx(theta)
    assert (effect.low, effect.high) == pytest.approx(
        (theta - 1.96 * effect.se, theta + 1.96 * effect.se)
    )
    assert effect.timestamp == "2025-03-01T09:00:30+00:00" and "threshold" in effect.reason
    assert folded.state.difficulty == level


def test_estimate_stable_is_emitted_once_when_se_drops_below_threshold() -> None:
    config = ReducerConfig(stable_se_threshold=0.6)
    events: list[Event] = [started(0)]
    events += [
        answer(10 * i, f"q{i}", correct=i % 2 == 0, params={"a": 2.0, "b": 0.0})
        for i in range(1, 12)
    ]
    folded = fold(events, config)
    (stable,) = folded.of(EstimateStable)
    ses = [p.se for p in folded.of(ThetaPoint)]
    first = next(i for i, se in enumerate(ses) if se < 0.6)
    assert stable.se == ses[first] and stable.timestamp == ts(10 * (first + 1)).replace(
        "Z", "+00:00"
    )
    assert folded.state is not None and folded.state.estimate_stable


def test_adjust_difficulty_echo_is_only_counted() -> None:
    folded = fold([started(0, difficulty=4), adjust(5, 9), code(6)])
    assert folded.state is not None and folded.state.difficulty == 4
    assert folded.state.event_counts["adjust-difficulty"] == 1
    assert folded.effects == []


def test_evaluation_is_requested_once() -> None:
    folded = fold([started(0), complete(100), complete(120)])
    (request,) = folded.of(RequestEvaluation)
    assert request == RequestEvaluation("sess-1", "cand-1", "2025-03-01T09:01:40+00:00")
    assert folded.state is not None and folded.state.completed_at == request.timestamp
