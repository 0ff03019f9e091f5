"""Maximum-likelihood (MLE) and continuous maximum-a-posteriori (MAP) ability estimates.

Both maximise a one-dimensional objective over theta (logits), bounded to the grid range:
a coarse scan on a fine grid (robust to the multiple local maxima 3PL likelihoods can
have) followed by bisection on the analytic derivative inside the winning cell. When the
maximum is at the range edge with the derivative still pointing outwards - e.g. an
all-correct sequence, whose likelihood rises forever and has no finite MLE - the result
is that bound and ``Estimate.at_bound`` is True. SE comes from the Fisher (test)
information: ``1/sqrt(I(theta))`` for MLE, ``1/sqrt(I(theta) + 1/prior_sd^2)`` for MAP.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assess.irt.grid import Estimate, Grid
from assess.irt.model import InvalidInput, Response, log_prob_correct_incorrect

__all__ = ["map_from_responses", "mle_estimate"]

FloatArray = npt.NDArray[np.float64]

_SCAN_STEP = 0.01  # logits between scan points
_MAX_SCAN_POINTS = 4001
_BISECT_TOL = 1e-12  # logits
_MIN_INFORMATION = 1e-300


@dataclass(frozen=True)
class _Problem:
    """Item parameters and scores as arrays, plus the optional prior (mean, sd)."""

    a: FloatArray
    b: FloatArray
    c: FloatArray
    s: FloatArray
    prior: tuple[float, float] | None

    @classmethod
    def build(cls, responses: Sequence[Response], prior: tuple[float, float] | None) -> _Problem:
        def column(values: list[float]) -> FloatArray:
            return np.array(values, dtype=np.float64)

        return cls(
            a=column([r.item.a for r in responses]),
            b=column([r.item.b for r in responses]),
            c=column([r.item.c for r in responses]),
            s=column([r.score for r in responses]),
            prior=prior,
        )

    def objective(self, thetas: FloatArray) -> FloatArray:
        """Log-likelihood (+ log prior for MAP) at each theta in ``thetas``."""
        log_p, log_q = log_prob_correct_incorrect(thetas[:, None], self.a, self.b, self.c)
        total: FloatArray = (self.s * log_p + (1.0 - self.s) * log_q).sum(axis=1)
        if self.prior is not None:
            mean, sd = self.prior
            total = total - 0.5 * np.square((thetas - mean) / sd)
        return total

    def slope(self, theta: float) -> float:
        """d objective / d theta: sum of ``a (s - P) sigmoid(z) / P`` minus prior pull."""
        log_p, _ = log_prob_correct_incorrect(theta, self.a, self.b, self.c)
        log_sig, _ = log_prob_correct_incorrect(theta, self.a, self.b, 0.0)
        value = float(np.sum(self.a * (self.s - np.exp(log_p)) * np.exp(log_sig - log_p)))
        if self.prior is not None:
            value -= (theta - self.prior[0]) / self.prior[1] ** 2
        return value

    def information(self, theta: float) -> float:
        """Test information at theta, plus prior precision for MAP (1/logit^2)."""
        log_p, log_q = log_prob_correct_incorrect(theta, self.a, self.b, self.c)
        log_sig, _ = log_prob_correct_incorrect(theta, self.a, self.b, 0.0)
        total = float(np.sum(self.a**2 * np.exp(2.0 * log_sig + log_q - log_p)))
        if self.prior is not None:
            total += 1.0 / self.prior[1] ** 2
        return total


def _bisect(problem: _Problem, left: float, right: float) -> float:
    """Root of the slope in [left, right], given slope(left) > 0 > slope(right)."""
    while right - left > _BISECT_TOL:
        middle = 0.5 * (left + right)
        if middle in (left, right):
            break
        if problem.slope(middle) > 0.0:
            left = middle
        else:
            right = middle
    return 0.5 * (left + right)


def _maximise(problem: _Problem, grid: Grid) -> tuple[float, bool]:
    """Arg-max of the objective over [grid.min, grid.max] and whether it hit a bound."""
    count = min(_MAX_SCAN_POINTS, math.ceil((grid.max - grid.min) / _SCAN_STEP) + 1)
    thetas = np.linspace(grid.min, grid.max, max(count, 3), dtype=np.float64)
    k = int(np.argmax(problem.objective(thetas)))
    last = len(thetas) - 1
    if k == 0 and problem.slope(grid.min) <= 0.0:
        return grid.min, True
    if k == last and problem.slope(grid.max) >= 0.0:
        return grid.max, True
    left, right = float(thetas[max(k - 1, 0)]), float(thetas[min(k + 1, last)])
    if problem.slope(left) > 0.0 > problem.slope(right):
        return _bisect(problem, left, right), False
    return float(thetas[k]), False  # flat or kinked cell: the scan point is the best we know


def _solve(responses: Sequence[Response], grid: Grid, method: str) -> Estimate:
    """Shared driver for MLE (no prior) and MAP (grid prior)."""
    prior = None if method == "mle" else (grid.prior_mean, grid.prior_sd)
    problem = _Problem.build(responses, prior)
    theta, at_bound = _maximise(problem, grid)
    information = max(problem.information(theta), _MIN_INFORMATION)
    se = min(1.0 / math.sqrt(information), 1e150)
    return Estimate(theta=theta, se=se, method=method, n=len(responses), at_bound=at_bound)


def mle_estimate(responses: Sequence[Response], grid: Grid | None = None) -> Estimate:
    """Maximum-likelihood theta (no prior), bounded to the grid range, SE = 1/sqrt(I).

    Raises InvalidInput for an empty sequence: without responses there is no likelihood.
    All-correct or all-wrong sequences return the range bound with ``at_bound=True``.
    """
    if not responses:
        raise InvalidInput("MLE needs at least one response")
    return _solve(responses, grid or Grid(), "mle")


def map_from_responses(responses: Sequence[Response], grid: Grid | None = None) -> Estimate:
    """Posterior mode under the grid's normal prior, solved continuously (not on nodes)."""
    return _solve(responses, grid or Grid(), "map")
