"""Item calibration by marginal maximum likelihood (Bock-Aitkin EM) on the ability grid.

Abilities are integrated out over the same quadrature the interviews use (a
:class:`Grid`: equally spaced nodes weighted by the N(prior_mean, prior_sd^2) prior), so
the scale of a and b is fixed by that prior: theta ~ N(0, 1) logits unless configured.

Each EM cycle:

* E-step: every respondent's posterior over the nodes given their responses and the
  current item parameters; from it the expected number of respondents at each node who
  answered item i (``n[i, q]``) and the expected score there (``r[i, q]``). Respondents
  answer any subset of items (sparse designs, as in adaptive testing): only the pairs
  that exist are touched, in chunks, never a dense respondents x items matrix.
* M-step: for every free item at once, Fisher-scoring steps on
  ``sum_q r log P + (n - r) log(1 - P)`` (+ the log prior of c for the 3PL), in the
  slope-intercept form ``z = a theta + d`` (``b = -d / a``), with step halving so the
  objective never falls (a generalised EM, so the marginal likelihood never falls).

2PL: P = sigmoid(z). 3PL: P = c + (1 - c) sigmoid(z) with a Beta(alpha, beta) prior on c
(default Beta(5, 17), BILOG-MG's choice for five-option items: mode 0.2), since c is
barely identified from data. Both use a weak lognormal prior on a (log a ~ N(0, 0.5^2),
BILOG-MG's default slope prior; ``a_prior=None`` for plain MML): in sparse designs a
weak item's likelihood can keep rising as a -> 0 with b -> +-infinity, and the prior
stops that without moving well-determined items. Standard errors come from the cross-product of each
respondent's posterior-expected score for the item (the XPD estimate of the observed
information), per item block; b's SE by the delta method. Items with too few
responses, or all answers the same, keep their prior parameters and say why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assess.irt.calibration_data import CalibrationConfig, ResponseTable
from assess.irt.em import Params, cross_product, e_step, m_step, person_chunks
from assess.irt.model import ItemParams

__all__ = ["CalibrationConfig", "CalibrationResult", "ItemCalibration", "calibrate"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ItemCalibration:
    """One item's result; SEs are None for items that kept their prior values."""

    a: float
    b: float
    c: float
    se_a: float | None
    se_b: float | None
    se_c: float | None
    n: int
    calibrated: bool
    note: str | None = None


@dataclass(frozen=True)
class CalibrationResult:
    """Items in the table's item order; the marginal log-likelihood at the end."""

    items: tuple[ItemCalibration, ...]
    cycles: int
    converged: bool
    log_likelihood: float


def _start(table: ResponseTable, priors: Sequence[ItemParams],
           cfg: CalibrationConfig) -> tuple[Params, npt.NDArray[np.bool_], list[str | None]]:
    """Starting values (the priors; c at its prior mode for the 3PL), which items are
    free, and why each fixed item is fixed."""
    counts, sums = table.item_counts(), table.item_sums()
    notes: list[str | None] = []
    for n, total in zip(counts, sums, strict=True):
        if n < cfg.min_responses:
            notes.append(f"too few responses ({n} < {cfg.min_responses}): prior values kept")
        elif total <= 0.0 or total >= n:
            side = "correct" if total >= n else "wrong"
            notes.append(f"every response {side}: parameters not identifiable, prior kept")
        else:
            notes.append(None)
    free = np.array([note is None for note in notes])
    a = np.array([p.a for p in priors], dtype=np.float64)
    b = np.array([p.b for p in priors], dtype=np.float64)
    c = np.array([p.c for p in priors], dtype=np.float64)
    if cfg.model == "3pl":
        alpha, beta = cfg.c_prior
        c = np.where(free, (alpha - 1.0) / (alpha + beta - 2.0) if alpha + beta > 2 else 0.1, c)
    else:
        c = np.where(free, 0.0, c)
    return Params(a, -a * b, c), free, notes


def _errors(info: FloatArray, p: Params) -> tuple[FloatArray, FloatArray, FloatArray]:
    """SEs of a, b (delta method, b = -d / a) and c from per-item information blocks."""
    k = info.shape[1]
    se = np.full((info.shape[0], 3), math.nan)
    for i in range(info.shape[0]):
        try:
            cov = np.linalg.inv(info[i])
        except np.linalg.LinAlgError:
            continue
        grad_b = np.array([p.d[i] / p.a[i] ** 2, -1.0 / p.a[i], 0.0][:k])
        var_b = float(grad_b @ cov @ grad_b)
        se[i, 0] = math.sqrt(cov[0, 0]) if cov[0, 0] > 0 else math.nan
        se[i, 1] = math.sqrt(var_b) if var_b > 0 else math.nan
        if k == 3 and cov[2, 2] > 0:
            se[i, 2] = math.sqrt(cov[2, 2])
    return se[:, 0], se[:, 1], se[:, 2]


def calibrate(table: ResponseTable, priors: Mapping[str, ItemParams] | None = None,
              config: CalibrationConfig | None = None) -> CalibrationResult:
    """MML-EM estimates of every item in ``table`` (in ``table.item_ids`` order).

    ``priors`` gives each item's current parameters: the starting values, and what an
    item with too few responses keeps (default a = 1, b = 0, c = 0).
    """
    cfg = config or CalibrationConfig()
    known = priors or {}
    start = [known.get(item, ItemParams(1.0, 0.0)) for item in table.item_ids]
    params, free, notes = _start(table, start, cfg)
    thetas = cfg.grid.thetas
    log_w = cfg.grid.log_prior - _logsumexp(cfg.grid.log_prior)
    chunks = person_chunks(table, thetas.size)
    converged, cycles = False, 0
    while cycles < cfg.max_cycles:
        cycles += 1
        n, r, _ = e_step(table, params, thetas, log_w, chunks)
        new = m_step(params, n, r, free, thetas, cfg)
        moved = _largest_move(params, new, free)
        params = new
        if moved < cfg.tol:
            converged = True
            break
    _, _, marginal = e_step(table, params, thetas, log_w, chunks)
    se_a, se_b, se_c = _errors(cross_product(table, params, thetas, log_w, chunks, cfg), params)
    counts = table.item_counts()
    items = []
    for i in range(table.n_items):
        a, c = float(params.a[i]), float(params.c[i])
        b = float(-params.d[i] / params.a[i])
        ok = bool(free[i])
        items.append(ItemCalibration(
            a=a, b=b, c=c, se_a=_finite(se_a[i]) if ok else None,
            se_b=_finite(se_b[i]) if ok else None,
            se_c=_finite(se_c[i]) if ok and cfg.model == "3pl" else None,
            n=int(counts[i]), calibrated=ok, note=notes[i]))
    return CalibrationResult(tuple(items), cycles, converged, marginal)


def _largest_move(old: Params, new: Params, free: npt.NDArray[np.bool_]) -> float:
    """Largest change of a, b or c over the free items in one cycle."""
    if not free.any():
        return 0.0
    b_old, b_new = -old.d / old.a, -new.d / new.a
    moves = [np.abs(new.a - old.a), np.abs(b_new - b_old), np.abs(new.c - old.c)]
    return float(max(m[free].max() for m in moves))


def _logsumexp(values: FloatArray) -> float:
    peak = float(values.max())
    return peak + math.log(float(np.exp(values - peak).sum()))


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
