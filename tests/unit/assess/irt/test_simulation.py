"""Simulation harness: reproducibility and basic recovery properties on a small run."""

from __future__ import annotations

import numpy as np
import pytest

from assess.irt import InvalidInput
from assess.irt.simulation import SimulationConfig, simulate, summarise

SMALL = SimulationConfig(n_candidates=300, n_items=20, checkpoints=(5, 10, 20), seed=7)


def test_same_seed_gives_identical_runs_and_policies_share_candidates() -> None:
    first, again = simulate(SMALL, "eap"), simulate(SMALL, "eap")
    np.testing.assert_array_equal(first.theta, again.theta)
    heuristic = simulate(SMALL, "heuristic")
    np.testing.assert_array_equal(first.true_theta, heuristic.true_theta)
    other = simulate(SimulationConfig(n_candidates=300, seed=8), "eap")
    assert not np.array_equal(first.true_theta, other.true_theta)


def test_eap_recovers_ability_with_honest_standard_errors() -> None:
    stats = summarise(simulate(SMALL, "eap"))
    assert [s.n_items for s in stats] == [5, 10, 20]
    rmse = [s.rmse for s in stats]
    assert rmse == sorted(rmse, reverse=True)  # more items, smaller error
    for s in stats:
        assert abs(s.bias) < 0.1
        assert s.mean_se == pytest.approx(s.rmse, rel=0.15)  # reported SE is calibrated
    assert stats[-1].rmse < 0.5


def test_eap_beats_the_fixed_step_heuristic_after_twenty_items() -> None:
    eap20 = summarise(simulate(SMALL, "eap"))[-1]
    heur20 = summarise(simulate(SMALL, "heuristic"))[-1]
    assert eap20.rmse < 0.85 * heur20.rmse
    assert heur20.mean_se == pytest.approx(1.5 / np.sqrt(20))


def test_heuristic_moves_in_fixed_steps() -> None:
    run = simulate(SimulationConfig(n_candidates=50, n_items=3, checkpoints=(1, 2, 3)), "heuristic")
    assert set(np.round(run.theta[:, 0], 12)) <= {-0.3, 0.3}
    assert np.all(np.isclose(np.abs(np.diff(run.theta, axis=1)), 0.3))


def test_config_and_policy_validation() -> None:
    with pytest.raises(InvalidInput, match="checkpoints"):
        SimulationConfig(n_items=10, checkpoints=(20,))
    with pytest.raises(InvalidInput, match="policy"):
        simulate(SMALL, "random")
