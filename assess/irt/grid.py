"""Quadrature grid with a normal prior over ability, and the estimate value type.

The posterior over theta (logits) is represented at ``points`` equally spaced values
from ``min`` to ``max``. The grid is the discretised support of the prior: each point is
a quadrature node with equal weight, so the posterior is a probability vector.

Why the default range is [-10, 10] and not [-4, 4]: a candidate who answers every item
correctly has a posterior that the N(0, 1) prior alone bounds, and it sits far out. Twenty
of twenty correct with b rising to +3 has its posterior mean near +4 and SD near 0.5, so
a grid ending at 4 cuts off about half of it (EAP 3.66, SE 0.29 instead of 4.04, 0.51).
The mean of an all-correct posterior grows only like log(number of items): sixty correct
answers at b = +3 with a = 0.5 put it near +6.1 (SD 0.5), a thousand near +10. The
spacing stays 0.133 logits, so the nodes of the old [-4, 4] grid are a subset of the new
ones (states stored on it migrate exactly there; see :mod:`assess.irt.regrid`).
Whatever the range, :func:`assess.irt.posterior.eap` reports ``at_bound`` when posterior
mass reaches the last logit of the grid, and such an estimate is never called stable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from assess.irt.model import InvalidInput, finite_float

__all__ = [
    "EDGE_MASS",
    "EDGE_WIDTH",
    "LEGACY_GRID_SPEC", "MAX_GRID_POINTS", "METHODS", "Estimate", "Grid", "InvalidGrid"]

FloatArray = npt.NDArray[np.float64]

# Upper bound on grid size; stored posteriors cost 8 bytes per point.
MAX_GRID_POINTS = 100_001
METHODS = ("eap", "map", "mle")
#: Grid of posteriors stored before states recorded their grid: 61 points on [-4, 4].
LEGACY_GRID_SPEC = (61, -4.0, 4.0)
#: An EAP estimate is ``at_bound`` when more than EDGE_MASS of its posterior lies within
#: EDGE_WIDTH logits of either end of the grid. At that level the mass the grid cuts off
#: beyond the edge is of the same order, so theta and SE are still right to about 1e-5,
#: but the posterior is being pushed against the range and may be next time.
EDGE_WIDTH = 1.0
EDGE_MASS = 1e-6


class InvalidGrid(InvalidInput):
    """Grid size, range or prior is unusable."""


def _check_finite(name: str, value: object) -> float:
    """Return ``value`` as float, rejecting bools, non-numbers and non-finite values."""
    return finite_float(f"grid {name}", value, InvalidGrid)


@dataclass(frozen=True)
class Grid:
    """Fixed quadrature grid over theta (logits) with a N(prior_mean, prior_sd^2) prior.

    Defaults: 151 points on [-10, 10] (spacing 0.133 logits), standard normal prior.
    """

    points: int = 151
    min: float = -10.0
    max: float = 10.0
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

    @cached_property
    def edge_nodes(self) -> int:
        """Nodes in the last EDGE_WIDTH logits at each end (at least 1, at most a third)."""
        count = math.ceil(EDGE_WIDTH / self.spacing - 1e-9)
        return max(1, min(count, self.points // 3))

    @cached_property
    def spec(self) -> tuple[int, float, float, float, float]:
        """``(points, min, max, prior_mean, prior_sd)``: what a stored posterior records so
        that a reader on another grid can tell and migrate it."""
        return (self.points, self.min, self.max, self.prior_mean, self.prior_sd)

    @classmethod
    def from_spec(cls, spec: tuple[float, ...] | list[float]) -> Grid:
        """Inverse of :attr:`spec` (raises :class:`InvalidGrid` for a malformed one)."""
        if len(spec) != 5:
            raise InvalidGrid(f"grid spec needs 5 values, got {len(spec)}")
        points, lo, hi, mean, sd = spec
        if isinstance(points, float) and points.is_integer():
            points = int(points)
        return cls(points=points, min=lo, max=hi, prior_mean=mean, prior_sd=sd)  # type: ignore[arg-type]

    @property
    def spacing(self) -> float:
        """Distance between adjacent nodes, in logits."""
        return (self.max - self.min) / (self.points - 1)


@dataclass(frozen=True)
class Estimate:
    """An ability estimate: theta and its standard error, both in logits.

    ``n`` is the number of responses behind it when known; ``at_bound`` is True when the
    estimate runs into the grid range: an MLE or MAP on the edge (an all-correct sequence
    has no finite MLE), so theta is a bound rather than a point estimate, or an EAP whose
    posterior has mass at the edge, so theta and SE may be cut short by the range.
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
