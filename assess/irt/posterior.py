"""Grid posterior over ability kept in log space, with EAP and MAP read-outs.

The state of an interview is one float64 vector: the unnormalised log posterior at each
grid node (log prior + sum of response log-likelihoods). Adding a response is one
vectorised O(points) addition, so the state can be updated per answer and stored as
bytes (``pack``/``unpack``) between stream events. Normalisation happens only when an
estimate is read, via log-sum-exp, so long all-correct or all-wrong runs stay finite.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from assess.irt.grid import EDGE_MASS, Estimate, Grid
from assess.irt.model import (
    InvalidInput,
    InvalidResponse,
    ItemParams,
    Response,
    log_prob_correct_incorrect,
)

__all__ = [
    "InvalidState",
    "eap",
    "edge_mass",
    "initial_log_posterior",
    "log_likelihood",
    "log_posterior_from",
    "map_estimate",
    "pack",
    "posterior",
    "unpack",
    "update",
]

FloatArray = npt.NDArray[np.float64]
_DTYPE = np.dtype("<f8")


class InvalidState(InvalidInput):
    """A stored log posterior has the wrong size, dtype or non-finite values."""


def _check_state(log_post: FloatArray, grid: Grid) -> None:
    """Reject arrays that do not match ``grid`` (shape) or are not float64."""
    if not isinstance(log_post, np.ndarray) or log_post.dtype != np.float64:
        raise InvalidState("log posterior must be a float64 numpy array")
    if log_post.shape != (grid.points,):
        raise InvalidState(
            f"log posterior has shape {log_post.shape}, grid expects ({grid.points},)"
        )


def initial_log_posterior(grid: Grid) -> FloatArray:
    """Log prior at the grid nodes: the state before any response (a fresh copy)."""
    return np.array(grid.log_prior, dtype=np.float64)


def log_likelihood(grid: Grid, item: ItemParams, score: float) -> FloatArray:
    """Log-likelihood of one response at every node: ``s log P + (1 - s) log(1 - P)``."""
    if not 0.0 <= score <= 1.0:  # NaN fails this comparison too
        raise InvalidResponse(f"score must be in [0, 1], got {score!r}")
    log_p, log_q = log_prob_correct_incorrect(grid.thetas, item.a, item.b, item.c)
    if score == 1.0:
        return log_p
    if score == 0.0:
        return log_q
    return score * log_p + (1.0 - score) * log_q


def update(log_post: FloatArray, grid: Grid, item: ItemParams, score: float) -> FloatArray:
    """Return a NEW log posterior with one response added; ``log_post`` is not modified.

    Cost is O(grid.points) vectorised numpy work; no Python loop over the grid.
    """
    _check_state(log_post, grid)
    if isinstance(score, bool) or not isinstance(score, int | float | np.floating):
        raise InvalidResponse(f"score must be a number, got {type(score).__name__}")
    return log_post + log_likelihood(grid, item, float(score))


def log_posterior_from(responses: Iterable[Response], grid: Grid) -> FloatArray:
    """Log posterior for a whole response set, computed in one vectorised pass."""
    items = list(responses)
    if not items:
        return initial_log_posterior(grid)
    a = np.array([r.item.a for r in items], dtype=np.float64)
    b = np.array([r.item.b for r in items], dtype=np.float64)
    c = np.array([r.item.c for r in items], dtype=np.float64)
    s = np.array([r.score for r in items], dtype=np.float64)
    log_p, log_q = log_prob_correct_incorrect(grid.thetas[:, None], a, b, c)
    total: FloatArray = (s * log_p + (1.0 - s) * log_q).sum(axis=1)
    return grid.log_prior + total


def _log_normaliser(log_post: FloatArray) -> float:
    """log of sum(exp(log_post)) by log-sum-exp; rejects non-finite states."""
    peak = float(np.max(log_post))
    if not math.isfinite(peak) or not np.all(np.isfinite(log_post)):
        raise InvalidState("log posterior contains NaN or infinite values")
    return peak + math.log(float(np.sum(np.exp(log_post - peak))))


def posterior(log_post: FloatArray, grid: Grid) -> FloatArray:
    """Normalised posterior probabilities at the grid nodes (non-negative, sum to 1)."""
    _check_state(log_post, grid)
    return np.exp(log_post - _log_normaliser(log_post))


def edge_mass(weights: FloatArray, grid: Grid) -> float:
    """Posterior probability within ``EDGE_WIDTH`` logits of either end of the grid."""
    k = grid.edge_nodes
    return float(weights[:k].sum() + weights[-k:].sum())


def eap(log_post: FloatArray, grid: Grid, n: int | None = None) -> Estimate:
    """Expected a-posteriori theta and posterior SD (both logits) on the grid.

    ``n`` is recorded on the estimate as the number of responses, if the caller knows it.
    ``at_bound`` is set when more than ``EDGE_MASS`` of the posterior sits in the last
    ``EDGE_WIDTH`` logits at either end: the grid may be cutting the posterior off, so
    theta is pulled towards the centre and SE is too small (never call it stable).
    """
    weights = posterior(log_post, grid)
    mean = float(weights @ grid.thetas)
    variance = float(weights @ np.square(grid.thetas - mean))
    at_edge = edge_mass(weights, grid) > EDGE_MASS
    return Estimate(mean, math.sqrt(max(variance, 0.0)), "eap", n, at_bound=at_edge)


def map_estimate(log_post: FloatArray, grid: Grid, n: int | None = None) -> Estimate:
    """Posterior mode, refined between nodes by a parabola through the top three nodes.

    SE is ``1/sqrt(-curvature)`` of that parabola (logits). If the mode is an end node
    the estimate is that bound, ``at_bound`` is set and SE falls back to the posterior SD.
    """
    _check_state(log_post, grid)
    k = int(np.argmax(log_post))
    if k in (0, grid.points - 1):
        fallback = eap(log_post, grid, n)
        return Estimate(float(grid.thetas[k]), fallback.se, "map", n, at_bound=True)
    y0, y1, y2 = (float(v) for v in log_post[k - 1 : k + 2])
    second = y0 - 2.0 * y1 + y2  # <= 0 at a maximum
    if not second < 0.0:
        fallback = eap(log_post, grid, n)
        return Estimate(float(grid.thetas[k]), fallback.se, "map", n)
    h = grid.spacing
    offset = 0.5 * h * (y0 - y2) / second
    curvature = second / (h * h)
    return Estimate(float(grid.thetas[k]) + offset, 1.0 / math.sqrt(-curvature), "map", n)


def pack(log_post: FloatArray) -> bytes:
    """Serialise a log posterior as raw little-endian float64 (8 bytes per node)."""
    array = np.asarray(log_post)
    if array.ndim != 1 or array.dtype != np.float64:
        raise InvalidState("only a 1-D float64 log posterior can be packed")
    return array.astype(_DTYPE, copy=False).tobytes()


def unpack(data: bytes, grid: Grid) -> FloatArray:
    """Inverse of :func:`pack`; checks the length matches ``grid`` and values are finite."""
    if not isinstance(data, bytes | bytearray):
        raise InvalidState(f"packed posterior must be bytes, got {type(data).__name__}")
    expected = grid.points * _DTYPE.itemsize
    if len(data) != expected:
        raise InvalidState(
            f"packed posterior is {len(data)} bytes, grid of {grid.points} needs {expected}"
        )
    array = np.frombuffer(data, dtype=_DTYPE).astype(np.float64)  # copy: writable, native
    if not np.all(np.isfinite(array)):
        raise InvalidState("packed posterior contains NaN or infinite values")
    return array
