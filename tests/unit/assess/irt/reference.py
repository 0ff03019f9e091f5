"""Continuous-prior posterior by adaptive quadrature (scipy), independent of assess.irt."""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import integrate, optimize

from assess.irt import Response


def _log_p(theta: float, r: Response) -> float:
    """log of the 3PL probability of response ``r`` at ``theta``, in plain Python."""
    z = r.item.a * (theta - r.item.b)
    log_sig = -math.log1p(math.exp(-z)) if z > -700 else z
    log_one_minus_sig = -math.log1p(math.exp(z)) if z < 700 else -z
    c = r.item.c
    log_p = math.log(c + (1 - c) * math.exp(log_sig)) if c > 0 else log_sig
    log_q = math.log1p(-c) + log_one_minus_sig
    return r.score * log_p + (1 - r.score) * log_q


def continuous_posterior(
    rs: Sequence[Response], prior_mean: float = 0.0, prior_sd: float = 1.0
) -> tuple[float, float]:
    """Mean and SD of the N(prior_mean, prior_sd^2)-prior posterior over the real line."""

    def log_density(theta: float) -> float:
        return -0.5 * ((theta - prior_mean) / prior_sd) ** 2 + sum(_log_p(theta, r) for r in rs)

    span = 40.0 * prior_sd
    mode = optimize.minimize_scalar(lambda t: -log_density(t), bounds=(-span, span),
                                    method="bounded", options={"xatol": 1e-10}).x
    peak = log_density(mode)

    # Split at the mode so quad sees the peak; integrate each half to infinity.
    def split(k: int) -> float:
        def f(t: float) -> float:
            return float((t - mode) ** k * math.exp(log_density(t) - peak))
        left, _ = integrate.quad(f, -math.inf, mode, limit=500, epsabs=1e-14, epsrel=1e-12)
        right, _ = integrate.quad(f, mode, math.inf, limit=500, epsabs=1e-14, epsrel=1e-12)
        return float(left + right)

    m0, m1, m2 = split(0), split(1), split(2)
    mean = float(mode) + m1 / m0
    variance = m2 / m0 - (m1 / m0) ** 2
    return mean, math.sqrt(variance)
