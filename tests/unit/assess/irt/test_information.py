"""Fisher information, most informative difficulty, recommendation and confidence band."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.irt import (
    Estimate,
    InvalidInput,
    InvalidItemParams,
    ItemParams,
    confidence_band,
    item_information,
    most_informative_b,
    recommend_difficulty,
    total_information,
)


def _p(theta: float, item: ItemParams) -> float:
    return item.c + (1.0 - item.c) / (1.0 + math.exp(-item.a * (theta - item.b)))


def _q(theta: float, item: ItemParams) -> float:
    """1 - P computed directly, so it keeps its precision when P is close to 1."""
    return (1.0 - item.c) / (1.0 + math.exp(item.a * (theta - item.b)))


def _info_by_definition(theta: float, item: ItemParams, h: float = 1e-5) -> float:
    """I = P'(theta)^2 / (P (1 - P)) with P' = -Q' by central difference on Q (no
    cancellation against 1 when P is near 1; hypothesis found that case)."""
    slope = -(_q(theta + h, item) - _q(theta - h, item)) / (2 * h)
    return slope * slope / (_p(theta, item) * _q(theta, item))


@given(
    theta=st.floats(-4, 4),
    a=st.floats(0.3, 3),
    b=st.floats(-3, 3),
    c=st.floats(0, 0.4),
)
def test_item_information_matches_its_definition(
    theta: float, a: float, b: float, c: float
) -> None:
    item = ItemParams(a, b, c)
    expected = _info_by_definition(theta, item)
    assert float(item_information(theta, item)) == pytest.approx(expected, rel=1e-5, abs=1e-12)


def test_2pl_information_is_a_squared_p_q() -> None:
    item = ItemParams(1.7, 0.4)
    p = _p(-0.6, item)
    assert float(item_information(-0.6, item)) == pytest.approx(1.7**2 * p * (1 - p), rel=1e-12)
    assert float(item_information(0.4, item)) == pytest.approx(1.7**2 / 4, rel=1e-12)


def test_total_information_sums_items_and_vectorises() -> None:
    items = [ItemParams(1.0, 0.0), ItemParams(2.0, 1.0, 0.2)]
    thetas = np.array([-1.0, 0.0, 1.5])
    total = total_information(thetas, items)
    expected = [sum(_info_by_definition(float(t), it) for it in items) for t in thetas]
    np.testing.assert_allclose(total, expected, rtol=1e-5)


@pytest.mark.parametrize(("a", "c"), [(1.0, 0.0), (1.0, 0.25), (2.0, 0.2), (0.6, 0.33)])
@pytest.mark.parametrize("theta", [-1.2, 0.0, 0.8])
def test_most_informative_b_maximises_information_at_theta(
    a: float, c: float, theta: float
) -> None:
    """Brute force over b: the closed form must sit at the information peak."""
    bs = [theta - 3.0 + i * 0.0005 for i in range(12001)]
    best = max(bs, key=lambda b: _info_by_definition(theta, ItemParams(a, b, c)))
    assert most_informative_b(theta, a, c) == pytest.approx(best, abs=1e-3)


def test_most_informative_b_closed_form() -> None:
    assert most_informative_b(0.7, 1.0, 0.0) == 0.7
    shift = math.log((1.0 + math.sqrt(1.0 + 8 * 0.25)) / 2.0) / 2.0
    assert most_informative_b(0.7, 2.0, 0.25) == pytest.approx(0.7 - shift, abs=1e-15)
    assert most_informative_b(0.7, 2.0, 0.25) < 0.7  # guessing favours easier items


@pytest.mark.parametrize(
    ("theta", "a", "c", "label"),
    [
        (0.0, 1.0, 0.0, 6),  # b = 0 -> 5.5, rounds half up
        (-0.2, 1.0, 0.0, 5),
        (1.0, 1.0, 0.0, 7),
        (-3.0, 1.0, 0.0, 1),
        (3.0, 1.0, 0.0, 10),
        (9.0, 1.0, 0.0, 10),
        (-9.0, 1.0, 0.0, 1),
        (0.0, 1.0, 0.25, 5),  # b = -0.312 -> 5.03
        (1.0, 0.5, 0.3, 6),  # b = 1 - 2 ln((1 + sqrt(3.4)) / 2) = -0.054 -> 5.42
    ],
)
def test_recommend_difficulty(theta: float, a: float, c: float, label: int) -> None:
    assert recommend_difficulty(theta, a, c) == label


def test_recommend_difficulty_is_monotone_in_theta() -> None:
    labels = [recommend_difficulty(t) for t in np.linspace(-5, 5, 201)]
    assert labels == sorted(labels)
    assert set(labels) == set(range(1, 11))


def test_recommendation_rejects_bad_item_shape() -> None:
    with pytest.raises(InvalidInput, match="item_a"):
        most_informative_b(0.0, 0.0, 0.0)
    with pytest.raises(InvalidItemParams, match="c"):
        recommend_difficulty(0.0, 1.0, 1.0)
    with pytest.raises(InvalidInput, match="theta"):
        recommend_difficulty(math.nan)


def test_confidence_band() -> None:
    low, high = confidence_band(Estimate(theta=0.5, se=0.4))
    assert (low, high) == pytest.approx((0.5 - 0.784, 0.5 + 0.784), abs=1e-12)
    assert confidence_band(Estimate(1.0, 0.5), z=1.0) == (0.5, 1.5)
    with pytest.raises(InvalidInput, match="z"):
        confidence_band(Estimate(1.0, 0.5), z=-1.0)
