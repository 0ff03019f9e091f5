"""Differential item functioning by the Mantel-Haenszel procedure, with ETS classes.

For each item, respondents of the reference and the focal group are matched on their
total score (number correct over the items they answered, this item included, as
Holland and Thayer recommend), and within each score stratum k a 2x2 table counts
right (A_k reference, C_k focal) and wrong (B_k, D_k) answers. Then:

* the common odds ratio alpha = sum(A D / N) / sum(B C / N) (> 1: the item favours the
  reference group at equal total score);
* the ETS delta ``MH D-DIF = -2.35 ln alpha`` (negative: harder for the focal group),
  its SE by the Robins-Breslow-Greenland variance of ln alpha, and the MH chi-square
  with continuity correction;
* the ETS class (Zieky 1993; Zwick 2012): **A** when |delta| < 1 or delta is not
  significantly different from 0 (MH chi-square, 0.05); **C** when |delta| >= 1.5 and
  significantly greater than 1 in absolute value (one-sided z on |delta| - 1 at 0.05,
  the interval-null test of Paek and Holland 2015); **B** otherwise.

With respondents who answered different numbers of items (adaptive designs) a stratum
is a (number answered, total) pair, so only like-for-like totals are compared. Strata
with only one group, or a single respondent, carry no information and are skipped.
Scores are dichotomised at 0.5 (as the interview agent counts correct answers).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["DIF_CLASSES", "DifItem", "InvalidDifInput", "ets_class", "mantel_haenszel_dif"]

DIF_CLASSES = ("A", "B", "C")
_CHI2_05 = 3.841458820694124  # chi-square(1) 0.95 quantile
_Z_ONE_SIDED_05 = 1.6448536269514722
_DELTA_PER_LOG_ODDS = -2.35


class InvalidDifInput(ValueError):
    """The groups are not two non-empty sets, or no response belongs to them."""


@dataclass(frozen=True, slots=True)
class DifItem:
    """One item's MH result; delta fields are None when no stratum is informative
    (or every informative table has a zero margin, so the odds ratio is 0 or infinite).
    ``n`` is the respondents in informative strata; ``n_reference``, ``n_focal`` split it."""

    question_id: str
    mh_delta: float | None
    se_delta: float | None
    chi_square: float | None
    dif_class: str
    n: int
    n_reference: int
    n_focal: int


def ets_class(delta: float | None, se: float | None, chi_square: float | None) -> str:
    """ETS A/B/C class of an MH D-DIF value (A when it cannot be computed)."""
    if delta is None or se is None or chi_square is None:
        return "A"
    size = abs(delta)
    if size < 1.0 or chi_square < _CHI2_05:
        return "A"
    if size >= 1.5 and se > 0 and (size - 1.0) / se > _Z_ONE_SIDED_05:
        return "C"
    return "B"


def _statistics(tables: npt.NDArray[np.float64]) -> tuple[float | None, float | None,
                                                            float | None]:
    """Delta, its SE and the MH chi-square from strata rows ``(A, B, C, D)``."""
    a, b, c, d = tables.T
    n = a + b + c + d
    r, s = a * d / n, b * c / n
    sum_r, sum_s = float(r.sum()), float(s.sum())
    n_ref, n_foc, right, wrong = a + b, c + d, a + c, b + d
    expected = n_ref * right / n
    variance = n_ref * n_foc * right * wrong / (n * n * (n - 1.0))
    total_var = float(variance.sum())
    chi = ((abs(float(a.sum() - expected.sum())) - 0.5) ** 2 / total_var
           if total_var > 0 else None)
    if sum_r <= 0.0 or sum_s <= 0.0:
        return None, None, chi
    p, q = (a + d) / n, (b + c) / n
    var_log = (float((p * r).sum()) / (2 * sum_r**2)
               + float((p * s + q * r).sum()) / (2 * sum_r * sum_s)
               + float((q * s).sum()) / (2 * sum_s**2))
    delta = _DELTA_PER_LOG_ODDS * math.log(sum_r / sum_s)
    return delta, abs(_DELTA_PER_LOG_ODDS) * math.sqrt(var_log), chi


def _strata(records: list[tuple[str, str, float]]) -> dict[str, tuple[int, float]]:
    """Matching key per respondent: (items answered, total dichotomised score)."""
    counts: dict[str, list[float]] = {}
    for person, _, score in records:
        entry = counts.setdefault(person, [0, 0.0])
        entry[0] += 1
        entry[1] += 1.0 if score >= 0.5 else 0.0
    return {person: (int(n), total) for person, (n, total) in counts.items()}


def mantel_haenszel_dif(records: Iterable[tuple[str, str, float]],
                        groups: Mapping[str, str], reference: str,
                        focal: str) -> list[DifItem]:
    """MH DIF of every item answered by ``reference`` or ``focal`` respondents.

    ``records`` are (respondent, item, score 0-1); a repeated pair keeps its last score.
    ``groups`` maps respondent to group; respondents in neither group are left out.
    Items come back in order of first appearance.
    """
    if reference == focal:
        raise InvalidDifInput("the reference and focal groups must differ")
    latest: dict[tuple[str, str], float] = {}
    for person, item, score in records:
        if groups.get(person) in (reference, focal):
            latest.pop((person, item), None)
            latest[(person, item)] = float(score)
    if not latest:
        raise InvalidDifInput(f"no responses from groups {reference!r} and {focal!r}")
    rows = [(p, i, s) for (p, i), s in latest.items()]
    strata = _strata(rows)
    cells: dict[str, dict[tuple[int, float], list[float]]] = {}
    for person, item, score in rows:
        table = cells.setdefault(item, {}).setdefault(strata[person], [0.0, 0.0, 0.0, 0.0])
        col = (0 if score >= 0.5 else 1) + (0 if groups[person] == reference else 2)
        table[col] += 1.0
    return [_item(item, tables) for item, tables in cells.items()]


def _item(question_id: str, tables: Mapping[tuple[int, float], list[float]]) -> DifItem:
    """One item's statistics over its informative strata."""
    kept = np.array([t for t in tables.values()
                     if t[0] + t[1] > 0 and t[2] + t[3] > 0 and sum(t) > 1], dtype=float)
    if kept.size == 0:
        return DifItem(question_id, None, None, None, "A", 0, 0, 0)
    delta, se, chi = _statistics(kept)
    n_ref, n_foc = int(kept[:, :2].sum()), int(kept[:, 2:].sum())
    return DifItem(question_id, delta, se, chi, ets_class(delta, se, chi), n_ref + n_foc,
                   n_ref, n_foc)
