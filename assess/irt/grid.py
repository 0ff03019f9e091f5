"""Quadrature grid with a normal prior over ability, and the estimate value type.

The posterior over theta (logits) is represented at ``points`` equally spaced values
from ``min`` to ``max``. The grid is the discretised support of the prior: each point is
a quadrature node with equal weight, so the posterior is a probability vector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from assess.irt.model import InvalidInput, finite_float

__all__ = ["MAX_GRID_POINTS", "METHODS", "Estimate", "Grid", "InvalidGrid"]

FloatArray = npt.NDArray[np.float64]

# Upper bound on grid size; stored posteriors cost 8 bytes per point.
MAX_GRID_POINTS = 100_001
METHODS = ("eap", "map", "mle")


class InvalidGrid(InvalidInput):
    """Grid size, range or prior is unusable."""


def _check_finite(name: str, value: object) -> float:
    """Return ``value`` as float, rejecting bools, non-numbers and non-finite values."""
    return finite_float(f"grid {name}", value, InvalidGrid)


@dataclass(frozen=True)
class Grid:
    """Fixed quadrature grid over theta (logits) with a N(prior_mean, prior_sd^2) prior.

    Defaults: 61 points on [-4, 4] (spacing 0.133 logits), standard normal prior.
    """

    points: int = 61
    min: float = -4.0
    max: float = 4.0
    prior_mean: float = 0.0
    prior_sd: float = 1.0

    def __post_init__(self) -> None:
        if isinstance(self.points, bool) or not isinstance(self.points, int | np.integer):
            raise InvalidGrid(f"grid points must be an int, got {self.points!r}")
        if not 3 <= self.points <= MAX_GRID_POINTS:
            raise InvalidGrid(f"grid points must be in 3..{MAX_GRID_POINTS}, got {self.points}")
        lo, hi = _check_finite("min", self.min), _check_finite("max", self.max)
        if lo >= hi:
            raise InvalidGrid(f"grid min must be < max, got min={lo!r} max={hi!r}")
        mean, sd = (
            _check_finite("prior_mean", self.prior_mean),
            _check_finite("prior_sd", self.prior_sd),
        )
        if sd <= 0.0:
            raise InvalidGrid(f"grid prior_sd must be > 0, got {sd!r}")
        object.__setattr__(self, "points", int(self.points))
        for name, value in (("min", lo), ("max", hi), ("prior_mean", mean), ("prior_sd", sd)):
            object.__setattr__(self, name, value)

    @cached_property
    def thetas(self) -> FloatArray:
        """Quadrature nodes in logits, read-only, shape ``(points,)``."""
        nodes = np.linspace(self.min, self.max, self.points, dtype=np.float64)
        nodes.flags.writeable = False
        return nodes

    @cached_property
    def log_prior(self) -> FloatArray:
        """Unnormalised log prior density at each node: ``-0.5 ((theta - mean) / sd)^2``."""
        values = -0.5 * np.square((self.thetas - self.prior_mean) / self.prior_sd)
        values.flags.writeable = False
        return values

    @property
    def spacing(self) -> float:
        """Distance between adjacent nodes, in logits."""
        return (self.max - self.min) / (self.points - 1)


@dataclass(frozen=True)
class Estimate:
    """An ability estimate: theta and its standard error, both in logits.

    ``n`` is the number of responses behind it when known; ``at_bound`` is True when the
    estimate sits on the edge of the grid range (e.g. MLE of an all-correct sequence,
    which has no finite maximum), so theta is a bound rather than a point estimate.
    """

    theta: float
    se: float
    method: str = "eap"
    n: int | None = None
    at_bound: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.theta):
            raise InvalidInput(f"estimate theta must be finite, got {self.theta!r}")
        if not (math.isfinite(self.se) and self.se >= 0.0):
            raise InvalidInput(f"estimate se must be finite and >= 0, got {self.se!r}")
        if self.method not in METHODS:
            raise InvalidInput(f"estimate method must be one of {METHODS}, got {self.method!r}")
