"""Item response model: 3PL item parameters, response probabilities, difficulty mapping.

Ability ``theta`` and difficulty ``b`` are on the logit scale (no D=1.7 scaling). The
three-parameter logistic (3PL) model gives

    P(correct | theta) = c + (1 - c) / (1 + exp(-a (theta - b)))

with discrimination ``a > 0``, difficulty ``b`` and pseudo-guessing floor ``c`` in
``[0, 1)``. ``c = 0`` is the 2PL model; ``c = 0`` and ``a = 1`` is the Rasch model.

The product's question bank labels questions with an integer difficulty 1..10; the
default calibration maps that label linearly onto ``b`` in ``[-3, 3]`` logits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "DIFFICULTY_MAX",
    "DIFFICULTY_MIN",
    "Z_CLIP",
    "InvalidInput",
    "InvalidItemParams",
    "InvalidResponse",
    "ItemParams",
    "Response",
    "default_item_for_difficulty",
    "difficulty_for_b",
    "log_prob_correct_incorrect",
    "prob_correct",
]

FloatArray = npt.NDArray[np.float64]
ArrayLike = float | FloatArray

DIFFICULTY_MIN = 1
DIFFICULTY_MAX = 10
_DIFFICULTY_CENTRE = 5.5  # difficulty label that maps to b = 0 logits
_DIFFICULTY_PER_LOGIT = 1.5  # difficulty labels per logit of b

# Bound on the logit a*(theta - b). exp(-500) ~ 7e-218, so P stays strictly inside
# (0, 1) in log space and every log-likelihood term is finite, even for extreme a.
Z_CLIP = 500.0


class InvalidInput(ValueError):
    """Base class for rejected inputs anywhere in the IRT package."""


class InvalidItemParams(InvalidInput):
    """An item's a, b or c is out of range or not a finite number."""


class InvalidResponse(InvalidInput):
    """A response score is not a finite number in [0, 1]."""


def finite_float(name: str, value: object, error: type[InvalidInput]) -> float:
    """Coerce ``value`` to float, rejecting bools, non-numbers, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise error(f"{name} must be a number, got {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise error(f"{name} must be finite, got {result!r}")
    return result


@dataclass(frozen=True)
class ItemParams:
    """3PL parameters of one question.

    a: discrimination (> 0, per logit); b: difficulty (logits); c: guessing floor in [0, 1).
    """

    a: float
    b: float
    c: float = 0.0

    def __post_init__(self) -> None:
        a = finite_float("a", self.a, InvalidItemParams)
        b = finite_float("b", self.b, InvalidItemParams)
        c = finite_float("c", self.c, InvalidItemParams)
        if a <= 0.0:
            raise InvalidItemParams(f"a (discrimination) must be > 0, got {a!r}")
        if not 0.0 <= c < 1.0:
            raise InvalidItemParams(f"c (guessing) must be in [0, 1), got {c!r}")
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "c", c)


@dataclass(frozen=True)
class Response:
    """One scored answer: the item asked and a score in [0, 1] (partial credit allowed)."""

    item: ItemParams
    score: float

    def __post_init__(self) -> None:
        if not isinstance(self.item, ItemParams):
            raise InvalidResponse(f"item must be ItemParams, got {type(self.item).__name__}")
        score = finite_float("score", self.score, InvalidResponse)
        if not 0.0 <= score <= 1.0:
            raise InvalidResponse(f"score must be in [0, 1], got {score!r}")
        object.__setattr__(self, "score", score)


def log_prob_correct_incorrect(
    theta: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Return ``(log P, log(1 - P))`` of the 3PL model, broadcast over all arguments.

    Computed without ever forming P: ``log sigmoid(z) = -logaddexp(0, -z)`` and
    ``log P = logaddexp(log c, log(1 - c) + log sigmoid(z))``. The logit ``z`` is clipped
    to +-Z_CLIP, which keeps both outputs finite for any valid parameters.
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        z = np.clip(np.multiply(a, np.subtract(theta, b)), -Z_CLIP, Z_CLIP)
        log_1m_c = np.log1p(np.negative(c))
        log_sig = np.negative(np.logaddexp(0.0, np.negative(z)))
        log_q = log_1m_c - np.logaddexp(0.0, z)
        log_p = np.logaddexp(np.log(c), log_1m_c + log_sig)
    return np.asarray(log_p, dtype=np.float64), np.asarray(log_q, dtype=np.float64)


def prob_correct(theta: ArrayLike, item: ItemParams) -> FloatArray:
    """P(correct | theta) for ``item``; ``theta`` in logits, scalar or array."""
    log_p, _ = log_prob_correct_incorrect(theta, item.a, item.b, item.c)
    return np.exp(log_p)


def default_item_for_difficulty(d: int) -> ItemParams:
    """Default calibration of a bank question labelled with difficulty ``d`` in 1..10.

    b = (d - 5.5) / 1.5 logits (so 1 -> -3.0, 10 -> +3.0), a = 1, c = 0 (Rasch item).
    """
    if isinstance(d, bool) or not isinstance(d, int | np.integer):
        raise InvalidItemParams(f"difficulty must be an int in 1..10, got {d!r}")
    if not DIFFICULTY_MIN <= d <= DIFFICULTY_MAX:
        raise InvalidItemParams(f"difficulty must be in 1..10, got {d}")
    return ItemParams(a=1.0, b=(int(d) - _DIFFICULTY_CENTRE) / _DIFFICULTY_PER_LOGIT, c=0.0)


def difficulty_for_b(b: float) -> int:
    """Inverse of :func:`default_item_for_difficulty`: nearest label 1..10 for ``b`` logits.

    Rounds half up (b = 0 -> 5.5 -> 6) and clamps values beyond +-3 logits to 1 or 10.
    """
    value = finite_float("b", b, InvalidItemParams)
    label = math.floor(value * _DIFFICULTY_PER_LOGIT + _DIFFICULTY_CENTRE + 0.5)
    return max(DIFFICULTY_MIN, min(DIFFICULTY_MAX, label))
