"""Item model: parameter validation, probabilities and the difficulty label mapping."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.irt import (
    InvalidItemParams,
    InvalidResponse,
    ItemParams,
    Response,
    default_item_for_difficulty,
    difficulty_for_b,
    prob_correct,
)
from assess.irt.model import log_prob_correct_incorrect


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"a": 0.0, "b": 0.0}, "a"),
        ({"a": -1.0, "b": 0.0}, "a"),
        ({"a": math.nan, "b": 0.0}, "a"),
        ({"a": math.inf, "b": 0.0}, "a"),
        ({"a": 1.0, "b": math.nan}, "b"),
        ({"a": 1.0, "b": -math.inf}, "b"),
        ({"a": 1.0, "b": 0.0, "c": 1.0}, "c"),
        ({"a": 1.0, "b": 0.0, "c": -0.01}, "c"),
        ({"a": 1.0, "b": 0.0, "c": math.nan}, "c"),
        ({"a": "1", "b": 0.0}, "a"),
        ({"a": True, "b": 0.0}, "a"),
    ],
)
def test_invalid_item_params_are_rejected_naming_the_field(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidItemParams) as info:
        ItemParams(**kwargs)  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{field} ")
    assert isinstance(info.value, ValueError)


def test_item_params_are_frozen_and_coerced_to_float() -> None:
    item = ItemParams(a=2, b=-1, c=0)
    assert (item.a, item.b, item.c) == (2.0, -1.0, 0.0)
    assert all(type(v) is float for v in (item.a, item.b, item.c))
    with pytest.raises(AttributeError):
        item.a = 3.0  # type: ignore[misc]


@pytest.mark.parametrize("score", [-0.1, 1.5, math.nan, math.inf])
def test_response_score_must_be_in_unit_interval(score: float) -> None:
    with pytest.raises(InvalidResponse, match="score"):
        Response(ItemParams(1.0, 0.0), score)


@pytest.mark.parametrize(
    ("item", "theta", "expected"),
    [
        (ItemParams(1.0, 0.0), 0.0, 0.5),  # Rasch at theta = b
        (ItemParams(1.0, 0.0, 0.2), 0.0, 0.6),  # c + (1 - c) / 2
        (ItemParams(2.0, 1.0), 2.0, 1.0 / (1.0 + math.exp(-2.0))),
        (ItemParams(0.7, -0.5, 0.25), 1.3, 0.25 + 0.75 / (1.0 + math.exp(-0.7 * 1.8))),
    ],
)
def test_prob_correct_matches_3pl_formula(item: ItemParams, theta: float, expected: float) -> None:
    assert float(prob_correct(theta, item)) == pytest.approx(expected, rel=1e-12)


@given(
    theta=st.floats(-6, 6),
    a=st.floats(0.1, 4),
    b=st.floats(-4, 4),
    c=st.floats(0, 0.5),
)
def test_log_probabilities_are_complementary(theta: float, a: float, b: float, c: float) -> None:
    log_p, log_q = log_prob_correct_incorrect(theta, a, b, c)
    assert float(np.exp(log_p) + np.exp(log_q)) == pytest.approx(1.0, abs=1e-12)


def test_log_probabilities_stay_finite_for_extreme_items() -> None:
    thetas = np.linspace(-4, 4, 9)
    for a, b in [(1e6, 0.0), (1e300, 0.0), (50.0, 1e300), (1e-300, 0.0)]:
        log_p, log_q = log_prob_correct_incorrect(thetas, a, b, 0.0)
        assert np.all(np.isfinite(log_p)) and np.all(np.isfinite(log_q))
        assert np.all(log_p <= 0.0) and np.all(log_q <= 0.0)


@pytest.mark.parametrize(
    ("d", "b"), [(1, -3.0), (4, -1.0), (5, -1.0 / 3.0), (6, 1.0 / 3.0), (10, 3.0)]
)
def test_default_item_for_difficulty(d: int, b: float) -> None:
    item = default_item_for_difficulty(d)
    assert (item.a, item.c) == (1.0, 0.0)
    assert item.b == pytest.approx(b, abs=1e-12)


@pytest.mark.parametrize("d", [0, 11, -3, 5.0, True])
def test_default_item_rejects_labels_outside_1_to_10(d: object) -> None:
    with pytest.raises(InvalidItemParams, match="difficulty"):
        default_item_for_difficulty(d)  # type: ignore[arg-type]


def test_difficulty_round_trips_for_every_label() -> None:
    assert [difficulty_for_b(default_item_for_difficulty(d).b) for d in range(1, 11)] == list(
        range(1, 11)
    )


@pytest.mark.parametrize(
    ("b", "d"),
    [
        (-10.0, 1),
        (-3.4, 1),
        (0.0, 6),
        (-0.01, 5),
        (-0.3, 5),
        (-0.7, 4),
        (0.3, 6),
        (3.2, 10),
        (99, 10),
    ],
)
def test_difficulty_for_b_rounds_and_clamps(b: float, d: int) -> None:
    assert difficulty_for_b(b) == d


def test_difficulty_for_b_rejects_nan() -> None:
    with pytest.raises(InvalidItemParams, match="b must be finite"):
        difficulty_for_b(math.nan)
