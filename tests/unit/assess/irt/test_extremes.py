"""Extreme response patterns: the grid EAP against the continuous N(0, 1)-prior posterior.

The reference is adaptive quadrature over the whole real line (tests/unit/assess/irt/reference),
so a grid that cuts the posterior off shows up as a theta pulled in and an SE too small.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.irt import (
    Grid,
    ItemParams,
    Response,
    default_item_for_difficulty,
    eap,
    initial_log_posterior,
    log_posterior_from,
    recommend_difficulty,
    update,
)
from assess.irt.coverage import exact_posterior
from tests.unit.assess.irt.reference import continuous_posterior

GRID = Grid()
LEGACY = Grid(points=61, min=-4.0, max=4.0)


def _adaptive_run(score: float, n: int = 20, a: float = 1.0) -> list[Response]:
    """``n`` identical answers to bank items chosen at the running EAP: b rises to +3
    (all correct) or falls to -3 (all wrong), as an adaptive interview would ask."""
    state, out = initial_log_posterior(GRID), []
    for _ in range(n):
        b = default_item_for_difficulty(recommend_difficulty(eap(state, GRID).theta)).b
        item = ItemParams(a, b)
        out.append(Response(item, score))
        state = update(state, GRID, item, score)
    return out


def _ramp(score: float, n: int = 20, a: float = 1.0, c: float = 0.0) -> list[Response]:
    """b rising linearly from 0 to +3 for correct answers, falling to -3 for wrong ones."""
    sign = 1.0 if score == 1.0 else -1.0
    return [Response(ItemParams(a, sign * float(b), c), score) for b in np.linspace(0, 3, n)]


PATTERNS = {
    "adaptive 20/20 correct": _adaptive_run(1.0),
    "adaptive 20/20 wrong": _adaptive_run(0.0),
    "ramp 20/20 correct": _ramp(1.0),
    "ramp 20/20 wrong": _ramp(0.0),
    "ramp correct a=0.5": _ramp(1.0, a=0.5),
    "ramp wrong a=2.5": _ramp(0.0, a=2.5),
    "ramp correct c=0.2": _ramp(1.0, c=0.2),
    "ramp wrong c=0.25": _ramp(0.0, c=0.25),
    "60 correct at b=+3, a=0.5": [Response(ItemParams(0.5, 3.0), 1.0)] * 60,
    "60 wrong at b=-3, a=0.5": [Response(ItemParams(0.5, -3.0), 0.0)] * 60,
}


@pytest.mark.parametrize("name", list(PATTERNS))
def test_extreme_patterns_match_the_continuous_prior_posterior(name: str) -> None:
    rs = PATTERNS[name]
    ref_theta, ref_se = continuous_posterior(rs)
    got = eap(log_posterior_from(rs, GRID), GRID, n=len(rs))
    # Issue bound: theta within 0.1 and SE within 15%. The wide grid does far better.
    assert abs(got.theta - ref_theta) < 1e-3
    assert abs(got.se / ref_se - 1.0) < 1e-3
    assert not got.at_bound


def test_the_old_four_logit_grid_clipped_the_same_patterns() -> None:
    """The check above can fail: on [-4, 4] the strongest candidates look too certain."""
    rs = PATTERNS["adaptive 20/20 correct"]
    ref_theta, ref_se = continuous_posterior(rs)
    old = eap(log_posterior_from(rs, LEGACY), LEGACY)
    assert ref_theta - old.theta > 0.1 and old.se < 0.85 * ref_se
    assert old.at_bound  # and the edge check says so


items = st.builds(ItemParams, a=st.floats(0.3, 2.5), b=st.floats(-3.0, 3.0),
                  c=st.floats(0.0, 0.3))
response_lists = st.lists(st.builds(Response, item=items, score=st.sampled_from([0.0, 1.0])),
                          max_size=40)
unanimous = st.tuples(st.sampled_from([0.0, 1.0]), st.lists(items, min_size=1, max_size=80))


@settings(max_examples=40, deadline=None)
@given(response_lists)
def test_bank_range_items_never_reach_the_grid_edge(rs: list[Response]) -> None:
    ref_theta, ref_se = continuous_posterior(rs)
    got = eap(log_posterior_from(rs, GRID), GRID)
    assert got.theta == pytest.approx(ref_theta, abs=1e-6)
    assert got.se == pytest.approx(ref_se, rel=1e-5)
    assert not got.at_bound


@settings(max_examples=40, deadline=None)
@given(unanimous)
def test_unanimous_runs_of_bank_items_stay_inside(case: tuple[float, list[ItemParams]]) -> None:
    score, its = case
    rs = [Response(item, score) for item in its]
    ref_theta, ref_se = continuous_posterior(rs)
    got = eap(log_posterior_from(rs, GRID), GRID)
    assert abs(got.theta - ref_theta) < 1e-3 and abs(got.se / ref_se - 1.0) < 1e-2
    assert not got.at_bound


def test_items_far_beyond_the_bank_push_mass_to_the_edge_and_say_so() -> None:
    rs = [Response(ItemParams(1.0, 12.0), 1.0)] * 40
    got = eap(log_posterior_from(rs, GRID), GRID)
    ref_theta, _ = continuous_posterior(rs)
    assert got.at_bound and ref_theta > got.theta


@settings(max_examples=30, deadline=None)
@given(st.lists(st.builds(Response, item=st.builds(
    ItemParams, a=st.floats(0.3, 3.0), b=st.floats(-8.0, 8.0), c=st.floats(0.0, 0.35)),
    score=st.sampled_from([0.0, 1.0])), max_size=60))
def test_exact_posterior_helper_matches_adaptive_quadrature(rs: list[Response]) -> None:
    """The simulation's exact reference (pure numpy) agrees with scipy's quad."""
    cols = [np.array(v, dtype=np.float64) for v in
            ([r.item.a for r in rs], [r.item.b for r in rs], [r.item.c for r in rs],
             [r.score for r in rs])]
    mean, sd = exact_posterior(*cols)
    ref_theta, ref_se = continuous_posterior(rs)
    assert mean == pytest.approx(ref_theta, abs=1e-7)
    assert sd == pytest.approx(ref_se, rel=1e-6)
