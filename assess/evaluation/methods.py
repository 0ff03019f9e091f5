"""Shared shapes for scoring methods: a method's score, and a dimension before combining.

Each scoring method returns a :class:`MethodScore` with its own 0-100 score, a
reliability (0-1: how much evidence it had on this session, e.g. more tests or more
prompts) and the evidence it used. A method without evidence returns nothing and
the dimension records a :class:`Missing` instead, of one of two kinds:

* the candidate had to show it (tests never run, no code, the assistant never
  used): the method's weight stays in the dimension with no credit, so leaving
  evidence out can never raise a score, and confidence falls by that weight's share;
* it is not the candidate's to give (no IRT questions were asked, no LLM review):
  the method abstains, its weight goes to the others, and confidence falls only
  because one witness fewer speaks.

``combine`` later turns the methods and what is missing into one dimension result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assess.evaluation.result import Evidence, Flag

__all__ = [
    "DimensionDraft",
    "MethodScore",
    "Missing",
    "clamp",
    "dependency_score",
    "ramp",
    "weighted_mean",
]


@dataclass(frozen=True, slots=True)
class MethodScore:
    """One method's view of a dimension: score 0-100, reliability 0-1, evidence.

    ``gaps`` name parts of the method that had no evidence and were left out of its
    score (e.g. "no coverage reported"). Methods sharing a ``facet`` are alternative
    estimates of one thing and are checked against each other; methods of different
    facets (tests and static analysis, prompts and documentation) measure different
    parts of the dimension, so their spread is not a disagreement. Empty: its own.
    ``band`` is the score range one standard error either side allows (for an
    estimate with a known error, such as IRT): a rival inside it does not disagree.
    ``by_evidence``: the method's weight grows with its reliability (full from
    FULL_RELIABILITY), for methods whose amount of evidence the candidate does not
    control (how many IRT questions were asked); a method that would abstain without
    evidence then fades out smoothly instead of jumping in at full weight.
    """

    name: str
    score: float
    reliability: float
    evidence: tuple[Evidence, ...] = ()
    gaps: tuple[str, ...] = ()
    facet: str = ""
    band: tuple[float, float] | None = None
    by_evidence: bool = False

    @property
    def interval(self) -> tuple[float, float]:
        """The scores this method's evidence allows (its ``band``, else the score itself)."""
        return self.band if self.band is not None else (self.score, self.score)

    @property
    def group(self) -> str:
        """The facet, or the method's own name."""
        return self.facet or self.name


@dataclass(frozen=True, slots=True)
class Missing:
    """A method that had no evidence: why, and whether the candidate had to show it."""

    method: str
    reason: str
    counts_against: bool


@dataclass(frozen=True, slots=True)
class DimensionDraft:
    """A dimension's methods (in a stable order), what is missing, and flags raised."""

    name: str
    methods: tuple[MethodScore, ...]
    flags: tuple[Flag, ...] = ()
    missing: tuple[Missing, ...] = ()

    @classmethod
    def of(cls, name: str, found: Sequence[MethodScore | Missing]) -> DimensionDraft:
        """A draft from each method's outcome: a score, or what was missing."""
        return cls(name, tuple(m for m in found if isinstance(m, MethodScore)),
                   missing=tuple(m for m in found if isinstance(m, Missing)))

    def with_method(self, method: MethodScore) -> DimensionDraft:
        """A copy with one more method appended."""
        return DimensionDraft(self.name, (*self.methods, method), self.flags, self.missing)

    def with_flag(self, flag: Flag) -> DimensionDraft:
        """A copy with one more flag."""
        return DimensionDraft(self.name, self.methods, (*self.flags, flag), self.missing)

    def with_missing(self, missing: Missing) -> DimensionDraft:
        """A copy with one more missing method."""
        return DimensionDraft(self.name, self.methods, self.flags, (*self.missing, missing))


def clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    """``value`` limited to [low, high]."""
    return max(low, min(high, value))


def ramp(x: float, x0: float, y0: float, x1: float, y1: float) -> float:
    """Piecewise-linear map: y0 at or before x0, y1 at or after x1, linear between."""
    if x <= x0:
        return y0
    if x >= x1:
        return y1
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def weighted_mean(parts: Sequence[tuple[float | None, float]]) -> float | None:
    """Mean of the present values weighted by their weights; None when none is present."""
    present = [(value, weight) for value, weight in parts if value is not None and weight > 0]
    total = sum(weight for _, weight in present)
    if not present or total <= 0:
        return None
    return sum(value * weight for value, weight in present) / total


def dependency_score(dependency: float) -> float:
    """0-100 score for the AI-written share of the code (0-100): full up to 50%, 10 at 100%.

    Consulting the assistant and writing the code oneself is not under-reliance (the
    ideas came from the conversation; a session that never used the assistant has no
    collaboration method at all). Handing it most of the code is over-reliance: the
    interview measures working *with* the assistant, not through it.
    """
    d = clamp(dependency)
    return 100.0 if d <= 50.0 else ramp(d, 50.0, 100.0, 100.0, 10.0)
