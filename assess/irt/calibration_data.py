"""Inputs of item calibration: the sparse response table and the model settings.

A response is one (respondent, item, score) triple with a score in [0, 1] (0/1 for the
dichotomous models; a fractional score counts as that share of a correct answer).
Respondents answer any subset of the items. The table keeps only the pairs that exist,
sorted by respondent, so the E-step can sum each respondent's log-likelihood with one
``reduceat`` and never builds a dense respondents x items matrix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assess.irt.grid import Grid
from assess.irt.model import InvalidInput

__all__ = ["CalibrationConfig", "ResponseTable", "build_table"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ResponseTable:
    """Responses sorted by respondent: ``person[k]``, ``item[k]``, ``score[k]``;
    respondent p's responses are ``person_starts[p]:person_starts[p + 1]``."""

    person: IntArray
    item: IntArray
    score: FloatArray
    person_starts: IntArray
    person_ids: tuple[str, ...]
    item_ids: tuple[str, ...]

    @property
    def n_persons(self) -> int:
        return len(self.person_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def item_counts(self) -> IntArray:
        """Responses per item."""
        return np.bincount(self.item, minlength=self.n_items).astype(np.int64)

    def item_sums(self) -> FloatArray:
        """Summed score per item."""
        sums = np.bincount(self.item, weights=self.score, minlength=self.n_items)
        return np.asarray(sums, dtype=np.float64)


def build_table(records: Iterable[tuple[str, str, float]]) -> ResponseTable:
    """Table from ``(respondent_id, item_id, score)``; a repeated pair keeps its last score.

    Items are ordered by first appearance. Raises :class:`InvalidInput` for a score
    outside [0, 1] or an empty input.
    """
    latest: dict[tuple[str, str], float] = {}
    for person, item, score in records:
        value = float(score)
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise InvalidInput(f"score must be in [0, 1], got {score!r}")
        latest.pop((person, item), None)
        latest[(person, item)] = value
    if not latest:
        raise InvalidInput("no responses to calibrate from")
    items = tuple(dict.fromkeys(item for _, item in latest))
    persons = tuple(sorted({person for person, _ in latest}))
    item_index = {item: i for i, item in enumerate(items)}
    person_index = {person: p for p, person in enumerate(persons)}
    pairs = sorted(((person_index[p], item_index[i], s) for (p, i), s in latest.items()))
    order = np.array([p for p, _, _ in pairs], dtype=np.int64)
    starts = np.searchsorted(order, np.arange(len(persons) + 1)).astype(np.int64)
    return ResponseTable(
        person=order,
        item=np.array([i for _, i, _ in pairs], dtype=np.int64),
        score=np.array([s for _, _, s in pairs], dtype=np.float64),
        person_starts=starts,
        person_ids=persons,
        item_ids=items,
    )


@dataclass(frozen=True)
class CalibrationConfig:
    """Model and limits. a in ``a_bounds`` (per logit); |b| <= ``b_max`` logits;
    ``a_prior`` = (mean, sd) of log a (lognormal prior on the slope; None for none);
    ``c_prior`` = Beta(alpha, beta) for the 3PL; ``min_responses`` per calibrated item;
    EM stops when no free parameter moves more than ``tol`` in a cycle."""

    model: str = "2pl"
    grid: Grid = field(default_factory=Grid)
    min_responses: int = 30
    a_prior: tuple[float, float] | None = (0.0, 0.5)
    c_prior: tuple[float, float] = (5.0, 17.0)
    a_bounds: tuple[float, float] = (0.05, 6.0)
    b_max: float = 8.0
    c_max: float = 0.5
    max_cycles: int = 2000
    tol: float = 1e-5

    def __post_init__(self) -> None:
        if self.model not in ("2pl", "3pl"):
            raise InvalidInput(f"model must be 2pl or 3pl, got {self.model!r}")
        if self.min_responses < 1 or self.max_cycles < 1 or not self.tol > 0:
            raise InvalidInput("min_responses and max_cycles must be >= 1 and tol > 0")
        if self.a_prior is not None and not self.a_prior[1] > 0:
            raise InvalidInput(f"a prior sd must be > 0, got {self.a_prior[1]!r}")
        alpha, beta = self.c_prior
        if not (alpha >= 1.0 and beta >= 1.0):
            raise InvalidInput(f"c prior Beta(alpha, beta) needs both >= 1, got {self.c_prior}")


