"""Fisher information of 3PL items and the item-selection rule built on it.

Information is in units of 1/logit^2: the asymptotic variance of an ability estimate is
``1 / sum of item information``. Adaptive testing asks the item with the most information
at the current ability estimate; for a 3PL item that is the item whose difficulty sits
slightly *below* theta when guessing is possible (c > 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from assess.irt.grid import Estimate
from assess.irt.model import (
    InvalidInput,
    ItemParams,
    difficulty_for_b,
    log_prob_correct_incorrect,
)

__all__ = [
    "confidence_band",
    "item_information",
    "most_informative_b",
    "recommend_difficulty",
    "total_information",
]

FloatArray = npt.NDArray[np.float64]


def item_information(theta: float | FloatArray, item: ItemParams) -> FloatArray:
    """3PL Fisher information ``a^2 (P - c)^2 (1 - P) / ((1 - c)^2 P)`` at ``theta``.

    Evaluated in log space as ``a^2 sigmoid(z)^2 (1 - P) / P`` (identical algebraically)
    so it stays accurate where P is close to 0 or 1.
    """
    log_p, log_q = log_prob_correct_incorrect(theta, item.a, item.b, item.c)
    log_sig, _ = log_prob_correct_incorrect(theta, item.a, item.b, 0.0)
    return np.asarray(item.a * item.a * np.exp(2.0 * log_sig + log_q - log_p), dtype=np.float64)


def total_information(theta: float | FloatArray, items: Iterable[ItemParams]) -> FloatArray:
    """Test information: sum of item information over ``items`` at ``theta`` (1/logit^2)."""
    total = np.zeros_like(np.asarray(theta, dtype=np.float64))
    for item in items:
        total = total + item_information(theta, item)
    return total


def _positive(name: str, value: float) -> float:
    """Return ``value`` as a finite float > 0 or raise."""
    result = float(value)
    if not (math.isfinite(result) and result > 0.0):
        raise InvalidInput(f"{name} must be a finite number > 0, got {value!r}")
    return result


def most_informative_b(theta: float, item_a: float, item_c: float) -> float:
    """Difficulty b (logits) of the item with discrimination ``item_a`` and guessing
    ``item_c`` that is most informative at ability ``theta``.

    The information of a 3PL item peaks at ``theta* = b + ln((1 + sqrt(1 + 8c)) / 2) / a``
    (Lord, 1980), so the best item for ``theta`` has ``b = theta - ln(...) / a``. For
    c = 0 this is b = theta; guessing pushes the best item below the candidate's ability.
    """
    a = _positive("item_a", item_a)
    item = ItemParams(a=a, b=0.0, c=item_c)  # validates c in [0, 1)
    t = float(theta)
    if not math.isfinite(t):
        raise InvalidInput(f"theta must be finite, got {theta!r}")
    return t - math.log((1.0 + math.sqrt(1.0 + 8.0 * item.c)) / 2.0) / a


def recommend_difficulty(theta: float, a: float = 1.0, c: float = 0.0) -> int:
    """Bank difficulty label 1..10 whose default calibration best matches the most
    informative b at ``theta`` (logits) for items with discrimination ``a``, guessing ``c``.
    """
    return difficulty_for_b(most_informative_b(theta, a, c))


def confidence_band(est: Estimate, z: float = 1.96) -> tuple[float, float]:
    """Normal-approximation interval ``theta +- z * se`` in logits (z=1.96: ~95%)."""
    width = _positive("z", z) * est.se
    return est.theta - width, est.theta + width
