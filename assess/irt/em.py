"""The EM internals of :mod:`assess.irt.calibration`: E-step, M-step, XPD information.

Parameters are held in slope-intercept form (``z = a theta + d``, ``b = -d / a``) as
arrays over items; every function works on all items at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assess.irt.calibration_data import CalibrationConfig, ResponseTable

__all__ = [
    "Chunk", "Params", "cross_product", "e_step", "m_step", "person_chunks", "prior_terms",
]

FloatArray = npt.NDArray[np.float64]
_P_FLOOR = 1e-12
_CHUNK_CELLS = 1_000_000  # respondent x item cells per block (8 MB per matrix)


@dataclass
class Params:
    a: FloatArray
    d: FloatArray
    c: FloatArray

    def copy(self) -> Params:
        return Params(self.a.copy(), self.d.copy(), self.c.copy())


def _probs(p: Params, thetas: FloatArray) -> tuple[FloatArray, FloatArray]:
    """sigmoid(z) and P at every (item, node); P kept inside [floor, 1 - floor]."""
    z = np.clip(p.a[:, None] * thetas[None, :] + p.d[:, None], -500.0, 500.0)
    sig = 1.0 / (1.0 + np.exp(-z))
    prob = np.clip(p.c[:, None] + (1.0 - p.c[:, None]) * sig, _P_FLOOR, 1.0 - _P_FLOOR)
    return sig, prob


def _gradients(p: Params, sig: FloatArray, thetas: FloatArray, k: int) -> FloatArray:
    """dP/d(a, d[, c]) at every (item, node): shape (items, nodes, k)."""
    slope = (1.0 - p.c[:, None]) * sig * (1.0 - sig)
    parts = [slope * thetas[None, :], slope]
    if k == 3:
        parts.append(1.0 - sig)
    return np.stack(parts, axis=-1)


def _log_c_prior(c: FloatArray, prior: tuple[float, float]) -> FloatArray:
    alpha, beta = prior
    result: FloatArray = (alpha - 1.0) * np.log(c) + (beta - 1.0) * np.log1p(-c)
    return result


def _log_a_prior(a: FloatArray, prior: tuple[float, float] | None) -> FloatArray:
    """Log density of the lognormal prior on a, log a ~ N(mean, sd^2) (0 without one)."""
    if prior is None:
        return np.zeros_like(a)
    mean, sd = prior
    result: FloatArray = -np.log(a) - 0.5 * np.square((np.log(a) - mean) / sd)
    return result


def prior_terms(p: Params, cfg: CalibrationConfig) -> tuple[FloatArray, FloatArray]:
    """Gradient (items, k) and positive curvature (items, k) the priors add: lognormal
    on a (its expected curvature 1 / (sd a)^2), Beta on c for the 3PL."""
    k = 3 if cfg.model == "3pl" else 2
    grad, curve = np.zeros((p.a.size, k)), np.zeros((p.a.size, k))
    if cfg.a_prior is not None:
        mean, sd = cfg.a_prior
        grad[:, 0] = -1.0 / p.a - (np.log(p.a) - mean) / (sd**2 * p.a)
        curve[:, 0] = 1.0 / (sd * p.a) ** 2
    if k == 3:
        alpha, beta = cfg.c_prior
        grad[:, 2] = (alpha - 1.0) / p.c - (beta - 1.0) / (1.0 - p.c)
        curve[:, 2] = (alpha - 1.0) / p.c**2 + (beta - 1.0) / (1.0 - p.c) ** 2
    return grad, curve


def _objective(p: Params, n: FloatArray, r: FloatArray, thetas: FloatArray,
               cfg: CalibrationConfig) -> FloatArray:
    """Expected complete-data log-likelihood per item plus the log priors (a; c)."""
    _, prob = _probs(p, thetas)
    value: FloatArray = (r * np.log(prob) + (n - r) * np.log1p(-prob)).sum(axis=1)
    value = value + _log_a_prior(p.a, cfg.a_prior)
    if cfg.model == "3pl":
        value = value + _log_c_prior(p.c, cfg.c_prior)
    return value


def _score_and_information(p: Params, n: FloatArray, r: FloatArray, thetas: FloatArray,
                           cfg: CalibrationConfig) -> tuple[FloatArray, FloatArray]:
    """Gradient (items, k) and Fisher information (items, k, k) of the objective."""
    k = 3 if cfg.model == "3pl" else 2
    sig, prob = _probs(p, thetas)
    jac = _gradients(p, sig, thetas, k)
    var = prob * (1.0 - prob)
    grad = np.einsum("iq,iqk->ik", (r - n * prob) / var, jac)
    info = np.einsum("iq,iqk,iql->ikl", n / var, jac, jac)
    prior_grad, prior_curve = prior_terms(p, cfg)
    diagonal = np.arange(k)
    info[:, diagonal, diagonal] += prior_curve
    return grad + prior_grad, info


def _bounded(p: Params, cfg: CalibrationConfig) -> Params:
    """Keep a, b and c inside their boxes (b through d = -a b)."""
    a = np.clip(p.a, *cfg.a_bounds)
    d = np.clip(p.d, -cfg.b_max * a, cfg.b_max * a)
    c = np.clip(p.c, 1e-6, cfg.c_max) if cfg.model == "3pl" else p.c
    return Params(a, d, c)


def m_step(p: Params, n: FloatArray, r: FloatArray, free: npt.NDArray[np.bool_],
            thetas: FloatArray, cfg: CalibrationConfig) -> Params:
    """One Fisher-scoring step for every free item, halved until the objective rises."""
    grad, info = _score_and_information(p, n, r, thetas, cfg)
    k = grad.shape[1]
    ridge = 1e-9 * np.eye(k)
    step = np.linalg.solve(info + ridge, grad[..., None])[..., 0]
    step[~free] = 0.0
    before = _objective(p, n, r, thetas, cfg)
    scale = np.ones(p.a.shape)
    for _ in range(12):
        trial = _bounded(Params(p.a + scale * step[:, 0], p.d + scale * step[:, 1],
                                 p.c + scale * step[:, 2] if k == 3 else p.c), cfg)
        worse = _objective(trial, n, r, thetas, cfg) < before - 1e-12
        if not worse.any():
            return trial
        scale = np.where(worse, scale * 0.5, scale)
    keep = _objective(trial, n, r, thetas, cfg) < before
    for name in ("a", "d", "c"):
        getattr(trial, name)[keep] = getattr(p, name)[keep]
    return trial


@dataclass(frozen=True)
class Chunk:
    """A block of respondents as two dense respondents x items matrices: ``answered``
    (1 where the respondent saw the item) and ``scores`` (the score there, else 0).

    With them every E-step sum is a matrix product (BLAS): a respondent's
    log-likelihood at the nodes is ``scores @ log P + (answered - scores) @ log(1 - P)``
    and the expected counts are ``answered.T @ posterior``, ``scores.T @ posterior``.
    Blocks are sized so that respondents x items stays bounded, so a sparse design
    (few items each from a large bank) costs memory per block, not per table.
    """

    answered: FloatArray
    scores: FloatArray


def person_chunks(table: ResponseTable, nodes: int) -> list[Chunk]:
    """Split the respondents into blocks of at most ``_CHUNK_CELLS`` respondent-item
    cells (and at most that many respondent-node cells)."""
    del nodes  # the posterior block is respondents x nodes, bounded by the same count
    per_chunk = max(1, _CHUNK_CELLS // max(table.n_items, 1))
    chunks = []
    for lo in range(0, table.n_persons, per_chunk):
        hi = min(lo + per_chunk, table.n_persons)
        r0, r1 = int(table.person_starts[lo]), int(table.person_starts[hi])
        rows, cols = table.person[r0:r1] - lo, table.item[r0:r1]
        answered = np.zeros((hi - lo, table.n_items))
        scores = np.zeros_like(answered)
        answered[rows, cols] = 1.0
        scores[rows, cols] = table.score[r0:r1]
        chunks.append(Chunk(answered, scores))
    return chunks


def _posteriors(chunk: Chunk, log_p: FloatArray, log_q: FloatArray,
                log_w: FloatArray) -> tuple[FloatArray, float]:
    """Each respondent's posterior over the nodes (respondents x nodes) and the block's
    marginal log-likelihood. ``log_p``, ``log_q`` are items x nodes."""
    person_ll = chunk.scores @ log_p + (chunk.answered - chunk.scores) @ log_q + log_w
    peak = person_ll.max(axis=1, keepdims=True)
    post = np.exp(person_ll - peak)
    total = post.sum(axis=1, keepdims=True)
    post /= total
    return post, float(np.sum(peak) + np.sum(np.log(total)))


def e_step(table: ResponseTable, p: Params, thetas: FloatArray, log_w: FloatArray,
           chunks: list[Chunk]) -> tuple[FloatArray, FloatArray, float]:
    """Expected counts n[i, q], r[i, q] (items x nodes) and the marginal log-likelihood."""
    _, prob = _probs(p, thetas)
    log_p, log_q = np.log(prob), np.log1p(-prob)
    n = np.zeros((table.n_items, thetas.size))
    r = np.zeros_like(n)
    marginal = 0.0
    for chunk in chunks:
        post, part = _posteriors(chunk, log_p, log_q, log_w)
        n += chunk.answered.T @ post
        r += chunk.scores.T @ post
        marginal += part
    return n, r, marginal


def cross_product(table: ResponseTable, p: Params, thetas: FloatArray, log_w: FloatArray,
                  chunks: list[Chunk], cfg: CalibrationConfig) -> FloatArray:
    """XPD information per item: sum over its respondents of s s^T, where s is the
    posterior expectation of the response's score vector d log P / d(a, d[, c]).

    With resid = (x - P) / (P (1 - P)), s_k = x * (post @ (J_k / V)^T) - answered *
    (post @ (P J_k / V)^T): matrix products again, one per parameter.
    """
    k = 3 if cfg.model == "3pl" else 2
    sig, prob = _probs(p, thetas)
    jac = _gradients(p, sig, thetas, k)  # items x nodes x k
    var = prob * (1.0 - prob)
    log_p, log_q = np.log(prob), np.log1p(-prob)
    per_x = [jac[:, :, j] / var for j in range(k)]
    per_p = [prob * jac[:, :, j] / var for j in range(k)]
    info = np.zeros((table.n_items, k, k))
    for chunk in chunks:
        post, _ = _posteriors(chunk, log_p, log_q, log_w)
        s = [chunk.scores * (post @ per_x[j].T) - chunk.answered * (post @ per_p[j].T)
             for j in range(k)]
        for j in range(k):
            for m in range(j, k):
                info[:, j, m] += np.einsum("pi,pi->i", s[j], s[m])
                info[:, m, j] = info[:, j, m]
    diagonal = np.arange(k)
    info[:, diagonal, diagonal] += prior_terms(p, cfg)[1]
    return info
