"""Moving a stored log posterior from the grid it was computed on to another grid.

A session's state holds its log posterior at the nodes of the grid in force when it was
written. When the configured grid changes (for instance from the old 61 points on
[-4, 4] to 151 points on [-10, 10]), the stored vector cannot be read on the new nodes
as it is. Without the response history the exact values at new nodes are unknown, so
:func:`resample` rebuilds them from the data part of the stored posterior (log posterior
minus the old log prior, i.e. the summed response log-likelihoods):

* at a new node that coincides with an old one, the value is exact;
* between old nodes it is linearly interpolated (the log-likelihood is smooth);
* beyond the old range it is extended along the chord of the two outermost old nodes.

For 2PL items the summed log-likelihood is concave in theta, and the extension of an
end chord of a concave function lies above the function, so the migrated tail is an
upper bound: the migrated posterior is, if anything, wider than the exact one and its
SE over-stated, never under-stated. (3PL correct answers flatten towards log c at low
theta, where the bound can fail; the error is then confined to the old grid's lower
tail.) The new grid's prior replaces the old one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assess.irt.grid import LEGACY_GRID_SPEC, Grid
from assess.irt.posterior import InvalidState, unpack

__all__ = ["legacy_grid", "resample", "unpack_onto"]

FloatArray = npt.NDArray[np.float64]


def legacy_grid(like: Grid) -> Grid:
    """The grid of states stored before they recorded one: 61 nodes on [-4, 4], with
    ``like``'s prior (the prior setting is older than the grid record)."""
    points, lo, hi = LEGACY_GRID_SPEC
    return Grid(points=points, min=lo, max=hi, prior_mean=like.prior_mean,
                prior_sd=like.prior_sd)


def resample(log_post: FloatArray, source: Grid, target: Grid) -> FloatArray:
    """The log posterior ``log_post`` (on ``source``) expressed on ``target``'s nodes.

    Exact at shared nodes, linear in between, chord-extended outside the source range
    (an upper bound for concave log-likelihoods, see the module docstring).
    """
    if log_post.shape != (source.points,):
        raise InvalidState(
            f"log posterior has shape {log_post.shape}, source grid has {source.points} nodes"
        )
    data = log_post - source.log_prior
    nodes, at = source.thetas, target.thetas
    values = np.interp(at, nodes, data)
    low, high = at < nodes[0], at > nodes[-1]
    left_slope = (data[1] - data[0]) / (nodes[1] - nodes[0])
    right_slope = (data[-1] - data[-2]) / (nodes[-1] - nodes[-2])
    values[low] = data[0] + left_slope * (at[low] - nodes[0])
    values[high] = data[-1] + right_slope * (at[high] - nodes[-1])
    result: FloatArray = target.log_prior + values
    return result


def unpack_onto(data: bytes, stored: Grid | None, target: Grid) -> FloatArray:
    """Unpack a stored posterior and move it onto ``target`` when it was written on
    another grid. ``stored`` None means a state from before grids were recorded: the
    legacy grid when the byte length fits it, else ``target`` itself."""
    if stored is None:
        legacy = legacy_grid(target)
        stored = legacy if len(data) == legacy.points * 8 != target.points * 8 else target
    if stored == target:
        return unpack(data, target)
    return resample(unpack(data, stored), stored, target)
