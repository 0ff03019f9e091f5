"""Simulated coverage of the 95% interval, grid EAP next to the exact posterior."""

from __future__ import annotations

import numpy as np

from assess.irt import Grid
from assess.irt.coverage import coverage, simulate_coverage
from assess.irt.simulation import SimulationConfig


def test_overall_coverage_is_nominal_and_equal_to_the_exact_posterior() -> None:
    run = simulate_coverage(SimulationConfig(n_candidates=800, n_items=20, seed=11))
    stats = coverage(run)
    assert stats.grid >= 0.93
    assert stats.grid_only_misses == 0
    assert stats.max_theta_gap < 1e-6 and stats.max_se_ratio_gap < 1e-6
    tails = coverage(run, np.abs(run.true_theta) > 2.0)
    assert tails.n > 10 and tails.grid_only_misses == 0


def test_extreme_candidates_are_never_missed_where_the_exact_posterior_covers() -> None:
    """Candidates with 2 < |theta| < 4: the prior's pull lowers coverage for both, but
    the grid adds no miss of its own (and never reports an edge)."""
    rng = np.random.default_rng(5)
    truth = rng.uniform(2.0, 4.0, 300) * rng.choice([-1.0, 1.0], 300)
    run = simulate_coverage(SimulationConfig(n_candidates=300, n_items=20, seed=12), truth)
    stats = coverage(run)
    assert stats.grid_only_misses == 0
    assert stats.max_theta_gap < 1e-6 and stats.max_se_ratio_gap < 1e-6
    assert not run.grid_at_bound.any()
    assert stats.exact < 0.95  # the prior's pull, shared by both: what the check is next to


def test_the_coverage_check_can_fail_on_a_clipping_grid() -> None:
    rng = np.random.default_rng(5)
    truth = rng.uniform(3.0, 4.0, 150)
    legacy = Grid(points=61, min=-4.0, max=4.0)
    run = simulate_coverage(SimulationConfig(n_candidates=150, n_items=20, seed=12,
                                             grid=legacy), truth)
    stats = coverage(run)
    assert stats.max_se_ratio_gap > 0.15 and run.grid_at_bound.all()
