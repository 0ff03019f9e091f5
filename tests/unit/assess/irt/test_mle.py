"""MLE and continuous MAP: closed-form Rasch cases, bounds, SE from information."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.irt import (
    Grid,
    InvalidInput,
    ItemParams,
    Response,
    estimate,
    initial_log_posterior,
    map_estimate,
    map_from_responses,
    mle_estimate,
    update,
)


def _rasch(k_correct: int, n: int, b: float = 0.0) -> list[Response]:
    item = ItemParams(1.0, b)
    return [Response(item, 1.0)] * k_correct + [Response(item, 0.0)] * (n - k_correct)


@pytest.mark.parametrize(("k", "n", "b"), [(7, 10, 0.0), (3, 10, 0.5), (1, 4, -1.0), (5, 10, 2.0)])
def test_rasch_mle_is_the_logit_of_the_proportion_correct(k: int, n: int, b: float) -> None:
    """Identical Rasch items: the score equation gives P(theta) = k/n exactly."""
    est = mle_estimate(_rasch(k, n, b))
    p = k / n
    assert est.theta == pytest.approx(b + math.log(p / (1.0 - p)), abs=1e-9)
    assert est.se == pytest.approx(1.0 / math.sqrt(n * p * (1.0 - p)), rel=1e-7)
    assert (est.method, est.n, est.at_bound) == ("mle", n, False)


def test_mle_with_partial_credit_matches_the_mean_score() -> None:
    item = ItemParams(1.5, 0.2)
    rs = [Response(item, 0.25), Response(item, 0.5), Response(item, 0.9)]
    mean = (0.25 + 0.5 + 0.9) / 3
    expected = 0.2 + math.log(mean / (1.0 - mean)) / 1.5
    assert mle_estimate(rs).theta == pytest.approx(expected, abs=1e-9)


def test_mle_of_two_different_items_solves_the_score_equation() -> None:
    i1, i2 = ItemParams(1.2, -0.5), ItemParams(0.8, 1.0)
    est = mle_estimate([Response(i1, 1.0), Response(i2, 0.0)])

    def p(item: ItemParams, t: float) -> float:
        return 1.0 / (1.0 + math.exp(-item.a * (t - item.b)))

    t = est.theta
    assert 1.2 * (1 - p(i1, t)) + 0.8 * (0 - p(i2, t)) == pytest.approx(0.0, abs=1e-9)
    info = 1.44 * p(i1, t) * (1 - p(i1, t)) + 0.64 * p(i2, t) * (1 - p(i2, t))
    assert est.se == pytest.approx(1.0 / math.sqrt(info), rel=1e-9)


@pytest.mark.parametrize(("score", "bound"), [(1.0, 10.0), (0.0, -10.0)])
def test_unanimous_answers_have_no_finite_mle_and_say_so(score: float, bound: float) -> None:
    rs = [Response(ItemParams(1.0, 0.3, 0.2), score)] * 20
    est = mle_estimate(rs)
    assert est.at_bound
    assert est.theta == bound
    assert math.isfinite(est.se) and est.se > 0.0
    narrow = mle_estimate(rs, Grid(points=101, min=-6, max=6))
    assert narrow.at_bound and narrow.theta == 0.6 * bound


def test_mle_needs_a_response() -> None:
    with pytest.raises(InvalidInput, match="at least one response"):
        mle_estimate([])


BIMODAL = [
    # answers whose 3PL likelihood has two separated local maxima; (items, global mode)
    ([(2.57, -1.43, 0.0, 1.0), (1.91, 1.86, 0.31, 1.0), (0.57, 1.46, 0.0, 0.0)], 2.29),
    ([(2.88, -1.13, 0.3, 1.0), (0.86, -0.46, 0.26, 0.0), (2.87, 1.97, 0.22, 1.0)], -0.66),
]


def _loglik(t: float, rs: list[Response]) -> float:
    total = 0.0
    for r in rs:
        it = r.item
        p = it.c + (1 - it.c) / (1 + math.exp(-it.a * (t - it.b)))
        total += r.score * math.log(p) + (1 - r.score) * math.log(1 - p)
    return total


@pytest.mark.parametrize(("rows", "mode"), BIMODAL)
def test_3pl_mle_finds_the_global_maximum(
    rows: list[tuple[float, float, float, float]], mode: float
) -> None:
    rs = [Response(ItemParams(a, b, c), s) for a, b, c, s in rows]
    fine = [-4.0 + i * 0.0005 for i in range(16001)]
    values = [_loglik(t, rs) for t in fine]
    peaks = [i for i in range(1, 16000) if values[i - 1] < values[i] > values[i + 1]]
    assert len(peaks) == 2  # the case really is bimodal
    best = fine[max(range(16001), key=values.__getitem__)]
    est = mle_estimate(rs)
    assert est.theta == pytest.approx(best, abs=1e-3)
    assert est.theta == pytest.approx(mode, abs=0.02)
    assert _loglik(est.theta, rs) >= max(values) - 1e-9


def test_continuous_map_solves_the_penalised_score_equation() -> None:
    rs = _rasch(4, 5, 0.0)
    est = map_from_responses(rs)
    t = est.theta
    p = 1.0 / (1.0 + math.exp(-t))
    assert 4.0 - 5.0 * p - t == pytest.approx(0.0, abs=1e-9)  # d/dt loglik - t = 0
    assert est.se == pytest.approx(1.0 / math.sqrt(5 * p * (1 - p) + 1.0), rel=1e-9)
    assert est.method == "map" and not est.at_bound


@given(st.lists(st.sampled_from([0.0, 1.0]), max_size=15), st.floats(-2, 2))
def test_grid_map_agrees_with_continuous_map(scores: list[float], b: float) -> None:
    grid = Grid()
    item = ItemParams(1.0, b)
    state = initial_log_posterior(grid)
    for s in scores:
        state = update(state, grid, item, s)
    cont = estimate([Response(item, s) for s in scores], method="map")
    assert map_estimate(state, grid).theta == pytest.approx(cont.theta, abs=0.01)


def test_map_shrinks_towards_prior_relative_to_mle() -> None:
    rs = _rasch(8, 10, 0.0)
    mle, mapped = mle_estimate(rs), map_from_responses(rs)
    assert 0.0 < mapped.theta < mle.theta
    assert mapped.se < mle.se
