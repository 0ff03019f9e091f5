"""Shared shapes for scoring methods: a method's score, and a dimension before combining.

Each scoring method returns a :class:`MethodScore` with its own 0-100 score, a
reliability (0-1: how much the method can be trusted on this session, e.g. more
test runs means a more reliable trend) and the evidence it used. ``combine`` later
turns several methods into one dimension result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assess.evaluation.result import Evidence, Flag

__all__ = [
    "DimensionDraft",
    "MethodScore",
    "clamp",
    "dependency_score",
    "ramp",
    "weighted_mean",
]


@dataclass(frozen=True, slots=True)
class MethodScore:
    """One method's view of a dimension: score 0-100, reliability 0-1, evidence."""

    name: str
    score: float
    reliability: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class DimensionDraft:
    """A dimension's methods (in a stable order) and any flags raised while scoring it."""

    name: str
    methods: tuple[MethodScore, ...]
    flags: tuple[Flag, ...] = ()

    def with_method(self, method: MethodScore) -> DimensionDraft:
        """A copy with one more method appended."""
        return DimensionDraft(self.name, (*self.methods, method), self.flags)

    def with_flag(self, flag: Flag) -> DimensionDraft:
        """A copy with one more flag."""
        return DimensionDraft(self.name, self.methods, (*self.flags, flag))


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
    """0-100 score for an AI dependency share (0-100): best at 30-50%, lower at both ends.

    Using no AI at all shows no collaboration (50); handing everything to the AI is
    worse (10 at 100%), because the interview measures working *with* the assistant.
    """
    d = clamp(dependency)
    if d < 30.0:
        return ramp(d, 0.0, 50.0, 30.0, 100.0)
    if d <= 50.0:
        return 100.0
    return ramp(d, 50.0, 100.0, 100.0, 10.0)
