"""Grid posterior: normalisation, monotonicity, order independence, incremental updates,
agreement with independent plain-Python references, extreme sequences, serialisation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.irt import (
    Grid,
    InvalidResponse,
    InvalidState,
    ItemParams,
    Response,
    eap,
    estimate,
    initial_log_posterior,
    log_posterior_from,
    map_estimate,
    pack,
    posterior,
    unpack,
    update,
)

GRID = Grid()

items = st.builds(
    ItemParams,
    a=st.floats(0.3, 2.5),
    b=st.floats(-2.5, 2.5),
    c=st.floats(0.0, 0.35),
)
scores = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))
responses = st.builds(Response, item=items, score=scores)
response_lists = st.lists(responses, max_size=25)


def _incremental(rs: list[Response], grid: Grid = GRID) -> np.ndarray:
    state = initial_log_posterior(grid)
    for r in rs:
        state = update(state, grid, r.item, r.score)
    return state


def _p3(theta: float, item: ItemParams) -> float:
    return item.c + (1.0 - item.c) / (1.0 + math.exp(-item.a * (theta - item.b)))


def _density(theta: float, rs: list[Response]) -> float:
    """Unnormalised posterior density with a N(0, 1) prior, plain Python math."""
    value = math.exp(-0.5 * theta * theta)
    for r in rs:
        p = _p3(theta, r.item)
        value *= p**r.score * (1.0 - p) ** (1.0 - r.score)
    return value


def _moments(nodes: list[float], weights: list[float]) -> tuple[float, float]:
    total = sum(weights)
    mean = sum(w * t for w, t in zip(weights, nodes, strict=True)) / total
    var = sum(w * (t - mean) ** 2 for w, t in zip(weights, nodes, strict=True)) / total
    return mean, math.sqrt(var)


@given(response_lists)
def test_posterior_is_a_probability_vector(rs: list[Response]) -> None:
    probs = posterior(_incremental(rs), GRID)
    assert probs.shape == (GRID.points,)
    assert np.all(probs >= 0.0)
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-12)


@given(response_lists, items, st.floats(0.0, 1.0))
def test_correct_never_lowers_and_wrong_never_raises_eap(
    rs: list[Response], item: ItemParams, partial: float
) -> None:
    state = _incremental(rs)
    before = eap(state, GRID).theta
    right = eap(update(state, GRID, item, 1.0), GRID).theta
    wrong = eap(update(state, GRID, item, 0.0), GRID).theta
    middle = eap(update(state, GRID, item, partial), GRID).theta
    assert right >= before - 1e-12
    assert wrong <= before + 1e-12
    assert wrong - 1e-12 <= middle <= right + 1e-12


@given(response_lists, st.randoms(use_true_random=False))
def test_estimate_does_not_depend_on_response_order(rs: list[Response], rnd: object) -> None:
    shuffled = list(rs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = eap(_incremental(rs), GRID), eap(_incremental(shuffled), GRID)
    assert a.theta == pytest.approx(b.theta, abs=1e-12)
    assert a.se == pytest.approx(b.se, abs=1e-12)


@given(response_lists)
def test_incremental_updates_equal_batch_recomputation(rs: list[Response]) -> None:
    incremental = _incremental(rs)
    batch = log_posterior_from(rs, GRID)
    np.testing.assert_allclose(incremental, batch, rtol=0, atol=1e-9)
    assert eap(incremental, GRID).theta == pytest.approx(estimate(rs).theta, abs=1e-9)


@given(st.lists(responses, max_size=10))
def test_eap_matches_plain_python_sum_over_the_same_nodes(rs: list[Response]) -> None:
    nodes = [-10.0 + 20.0 * i / 150 for i in range(151)]
    ref_theta, ref_sd = _moments(nodes, [_density(t, rs) for t in nodes])
    got = eap(_incremental(rs), GRID)
    assert got.theta == pytest.approx(ref_theta, abs=1e-10)
    assert got.se == pytest.approx(ref_sd, abs=1e-10)


@settings(max_examples=25, deadline=None)
@given(st.lists(responses, min_size=1, max_size=8))
def test_eap_matches_fine_trapezoid_integration(rs: list[Response]) -> None:
    """The 0.133-logit grid is enough: mean/SD agree with a 6001-point integral."""
    n = 6001
    nodes = [-12.0 + 24.0 * i / (n - 1) for i in range(n)]
    dens = [_density(t, rs) for t in nodes]
    dens[0] *= 0.5
    dens[-1] *= 0.5
    ref_theta, ref_sd = _moments(nodes, dens)
    got = eap(_incremental(rs), GRID)
    # Quadrature error of the 0.133-logit grid: hypothesis found 0.0022 on the SE
    # with eight a ~ 2.5 items, so the bound is 5e-3 (still far below any SE).
    assert got.theta == pytest.approx(ref_theta, abs=5e-3)
    assert got.se == pytest.approx(ref_sd, abs=5e-3)


@pytest.mark.parametrize(("score", "sign"), [(1.0, 1.0), (0.0, -1.0)])
@pytest.mark.parametrize(
    "item", [ItemParams(1.0, 0.0), ItemParams(40.0, 0.0, 0.3), ItemParams(1e6, 0.1)]
)
def test_fifty_identical_answers_stay_finite(score: float, sign: float, item: ItemParams) -> None:
    state = _incremental([Response(item, score)] * 50)
    assert np.all(np.isfinite(state))
    est = eap(state, GRID)
    assert math.isfinite(est.theta) and math.isfinite(est.se) and est.se > 0.0
    assert sign * est.theta > 0.5
    assert float(posterior(state, GRID).sum()) == pytest.approx(1.0, abs=1e-12)


def test_fifty_correct_answers_balance_likelihood_against_prior() -> None:
    """Posterior mode solves theta = 50 (1 - sigmoid(theta)) (prior pull = likelihood slope)."""
    est = eap(_incremental([Response(ItemParams(1.0, 0.0), 1.0)] * 50), GRID)
    assert 2.6 < est.theta < 3.1
    assert 0.3 < est.se < 0.6
    mode = map_estimate(_incremental([Response(ItemParams(1.0, 0.0), 1.0)] * 50), GRID)
    assert mode.theta == pytest.approx(50.0 / (1.0 + math.exp(mode.theta)), abs=0.01)


def test_update_returns_new_array_and_leaves_input_untouched() -> None:
    state = initial_log_posterior(GRID)
    copy = state.copy()
    new = update(state, GRID, ItemParams(1.0, 0.5), 1.0)
    assert new is not state
    np.testing.assert_array_equal(state, copy)
    assert not np.array_equal(new, state)


def test_prior_only_eap_is_close_to_standard_normal() -> None:
    est = eap(initial_log_posterior(GRID), GRID)
    assert est.theta == pytest.approx(0.0, abs=1e-12)
    assert est.se == pytest.approx(1.0, abs=1e-12)  # the grid reaches +-10 sd


def test_custom_prior_moves_the_estimate() -> None:
    grid = Grid(points=81, min=-5, max=5, prior_mean=1.0, prior_sd=0.5)
    est = eap(initial_log_posterior(grid), grid)
    assert est.theta == pytest.approx(1.0, abs=1e-9)
    assert est.se == pytest.approx(0.5, abs=1e-3)


def test_update_rejects_bad_scores_and_mismatched_states() -> None:
    state = initial_log_posterior(GRID)
    item = ItemParams(1.0, 0.0)
    for bad in (1.5, -0.1, math.nan):
        with pytest.raises(InvalidResponse, match="score"):
            update(state, GRID, item, bad)
    with pytest.raises(InvalidState, match=r"shape \(31,\)"):
        update(initial_log_posterior(Grid(points=31)), GRID, item, 1.0)
    with pytest.raises(InvalidState, match="float64"):
        update(state.astype(np.float32), GRID, item, 1.0)


def test_map_estimate_interpolates_a_known_mode() -> None:
    grid = Grid(points=61, min=-3, max=3)
    log_post = -0.5 * ((grid.thetas - 0.37) / 0.6) ** 2  # exact parabola: mode 0.37, sd 0.6
    est = map_estimate(log_post, grid, n=3)
    assert est.theta == pytest.approx(0.37, abs=1e-12)
    assert est.se == pytest.approx(0.6, abs=1e-12)
    assert (est.method, est.n, est.at_bound) == ("map", 3, False)


def test_map_estimate_flags_the_bound() -> None:
    flat = Grid(prior_sd=100.0)
    state = _incremental([Response(ItemParams(1.0, 0.0), 1.0)] * 50, flat)
    est = map_estimate(state, flat)
    assert est.at_bound and est.theta == 10.0
    assert not map_estimate(_incremental([], flat), flat).at_bound


@given(response_lists)
def test_pack_unpack_round_trip_is_bit_exact(rs: list[Response]) -> None:
    state = _incremental(rs)
    blob = pack(state)
    assert len(blob) == GRID.points * 8
    restored = unpack(blob, GRID)
    np.testing.assert_array_equal(restored, state)
    restored[0] = 0.0  # writable copy, independent of the bytes


def test_pack_is_little_endian_float64() -> None:
    state = np.array([1.0, -2.5, 0.0], dtype=np.float64)
    assert pack(state) == b"".join(np.array([v], dtype="<f8").tobytes() for v in state)
    assert pack(state)[:8] == bytes.fromhex("000000000000f03f")


def test_unpack_rejects_wrong_length_and_non_finite_values() -> None:
    with pytest.raises(InvalidState, match="1207 bytes"):
        unpack(b"\x00" * 1207, GRID)
    with pytest.raises(InvalidState, match="NaN"):
        unpack(np.full(GRID.points, np.nan).tobytes(), GRID)
    with pytest.raises(InvalidState, match="bytes"):
        unpack("not bytes", GRID)  # type: ignore[arg-type]
