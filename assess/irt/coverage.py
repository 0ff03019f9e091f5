"""Coverage of the 95% ability interval in simulation, next to the exact posterior.

Simulated candidates with known true theta (logits) answer adaptively chosen bank items
(the selection rule of :mod:`assess.irt.simulation`, driven by the grid EAP). For each
candidate the same responses are scored twice:

* ``grid``: the production estimator, EAP and posterior SD on a :class:`Grid`;
* ``exact``: the continuous N(prior_mean, prior_sd^2)-prior posterior, integrated on a
  fine window placed around the posterior itself (:func:`exact_posterior`), so no fixed
  range can cut it off.

The interval is ``theta +- 1.96 se`` for both. Under a N(0, 1) population the exact
posterior covers the truth about 95% of the time overall; for |theta| > 2 it covers
less, because the prior pulls extreme estimates in (that is the prior's doing, and both
estimators share it). What the grid must not do is miss a candidate the exact
posterior covers: ``grid_only_misses`` counts those.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assess.irt.model import InvalidInput, log_prob_correct_incorrect
from assess.irt.posterior import eap, initial_log_posterior, update
from assess.irt.simulation import SimulationConfig, draw_answer, next_item

__all__ = ["CoverageRun", "CoverageStats", "coverage", "exact_posterior", "simulate_coverage"]

FloatArray = npt.NDArray[np.float64]
Z95 = 1.959963984540054
_NODES = 1001


def _moments(thetas: FloatArray, log_density: FloatArray) -> tuple[float, float]:
    weights = np.exp(log_density - np.max(log_density))
    weights /= weights.sum()
    mean = float(weights @ thetas)
    return mean, math.sqrt(float(weights @ np.square(thetas - mean)))


def exact_posterior(
    a: FloatArray, b: FloatArray, c: FloatArray, s: FloatArray,
    prior_mean: float = 0.0, prior_sd: float = 1.0,
) -> tuple[float, float]:
    """Mean and SD (logits) of the continuous-prior posterior of one response set.

    First a 1001-node scan of prior_mean +- 40 prior SDs finds where the posterior
    lives, then 1001 nodes over +-15 of its SDs (at least 15 scan steps) integrate it.
    The integrand is smooth and decays like a Gaussian, so equal-weight nodes are
    accurate to ~1e-10 (checked against adaptive quadrature in the tests).
    """
    def log_density(thetas: FloatArray) -> FloatArray:
        log_p, log_q = log_prob_correct_incorrect(thetas[:, None], a, b, c)
        total: FloatArray = (s * log_p + (1.0 - s) * log_q).sum(axis=1)
        return total - 0.5 * np.square((thetas - prior_mean) / prior_sd)

    span = 40.0 * prior_sd
    scan = np.linspace(prior_mean - span, prior_mean + span, _NODES)
    mean, sd = _moments(scan, log_density(scan))
    half = 15.0 * max(sd, float(scan[1] - scan[0]))
    window = np.linspace(mean - half, mean + half, _NODES)
    return _moments(window, log_density(window))


@dataclass(frozen=True)
class CoverageRun:
    """Per-candidate truth and both estimators' theta and SE (logits)."""

    true_theta: FloatArray
    grid_theta: FloatArray
    grid_se: FloatArray
    exact_theta: FloatArray
    exact_se: FloatArray
    grid_at_bound: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CoverageStats:
    """Coverage (0-1) of ``theta +- 1.96 se`` over ``n`` candidates, and the candidates
    the exact posterior covers but the grid misses (and the other way round)."""

    n: int
    grid: float
    exact: float
    grid_only_misses: int
    exact_only_misses: int
    max_theta_gap: float
    max_se_ratio_gap: float


def _candidate(
    rng: np.random.Generator, truth: float, config: SimulationConfig
) -> tuple[float, float, bool, float, float]:
    grid = config.grid
    state, current = initial_log_posterior(grid), eap(initial_log_posterior(grid), grid)
    rows = []
    for _ in range(config.n_items):
        item = next_item(rng, current.theta, config)
        score = draw_answer(rng, truth, item)
        state = update(state, grid, item, score)
        current = eap(state, grid)
        rows.append((item.a, item.b, item.c, score))
    a, b, c, s = (np.array(col, dtype=np.float64) for col in zip(*rows, strict=True))
    exact = exact_posterior(a, b, c, s, grid.prior_mean, grid.prior_sd)
    return current.theta, current.se, current.at_bound, *exact


def simulate_coverage(
    config: SimulationConfig, true_theta: FloatArray | None = None
) -> CoverageRun:
    """Score each candidate's adaptive interview with the grid and the exact posterior.

    ``true_theta`` defaults to ``config.n_candidates`` draws from N(0, 1); pass values to
    study a region (e.g. |theta| > 2) with more candidates than a N(0, 1) sample has.
    """
    rng = np.random.default_rng(config.seed)
    truth = rng.normal(0.0, 1.0, config.n_candidates) if true_theta is None else true_theta
    truth = np.asarray(truth, dtype=np.float64)
    if truth.ndim != 1 or truth.size == 0 or not np.all(np.isfinite(truth)):
        raise InvalidInput("true_theta must be a non-empty 1-D array of finite values")
    rows = [_candidate(rng, float(t), config) for t in truth]
    gt, gs, gb, et, es = (np.array(col) for col in zip(*rows, strict=True))
    return CoverageRun(truth, gt, gs, et, es, gb.astype(bool))


def coverage(run: CoverageRun, mask: npt.NDArray[np.bool_] | None = None) -> CoverageStats:
    """Coverage of both estimators over the candidates selected by ``mask`` (all)."""
    keep = np.ones(run.true_theta.shape, bool) if mask is None else mask
    truth = run.true_theta[keep]
    grid_in = np.abs(run.grid_theta[keep] - truth) <= Z95 * run.grid_se[keep]
    exact_in = np.abs(run.exact_theta[keep] - truth) <= Z95 * run.exact_se[keep]
    n = int(truth.size)
    gap = np.abs(run.grid_theta[keep] - run.exact_theta[keep])
    ratio = np.abs(run.grid_se[keep] / run.exact_se[keep] - 1.0)
    return CoverageStats(
        n=n,
        grid=float(grid_in.mean()) if n else math.nan,
        exact=float(exact_in.mean()) if n else math.nan,
        grid_only_misses=int(np.sum(exact_in & ~grid_in)),
        exact_only_misses=int(np.sum(grid_in & ~exact_in)),
        max_theta_gap=float(gap.max()) if n else math.nan,
        max_se_ratio_gap=float(ratio.max()) if n else math.nan,
    )
