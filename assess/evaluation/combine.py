"""Turning a dimension's methods into one result: score, agreement and confidence.

The score is the method-weighted mean (weights from the rubric, renormalised over
the methods that ran). Agreement is the spread (max - min) of the method scores.
A spread above the rubric's threshold is not averaged away: the score stays the
weighted combination, but confidence drops sharply (to at most 0.3) and a
``methods_disagree`` flag names the dimension and the methods' scores.

Confidence starts from the methods' reliabilities, treated as independent
witnesses: ``1 - prod(1 - r)``, capped at 0.95; mild spread within the threshold
lowers it a little (``1 - spread / 200``).
"""

from __future__ import annotations

import math
from types import MappingProxyType

from assess.evaluation.methods import DimensionDraft, MethodScore
from assess.evaluation.result import DimensionResult, Evidence, Flag
from assess.evaluation.rubric import Rubric

__all__ = ["DISAGREEMENT_CONFIDENCE_CAP", "MAX_EVIDENCE_PER_DIMENSION", "combine"]

MAX_CONFIDENCE = 0.95
DISAGREEMENT_CONFIDENCE_CAP = 0.3
DISAGREEMENT_FACTOR = 0.4
MAX_EVIDENCE_PER_DIMENSION = 12


def combine(draft: DimensionDraft, rubric: Rubric) -> tuple[DimensionResult, tuple[Flag, ...]]:
    """The dimension's result and its flags (the draft's own plus any disagreement)."""
    weight = rubric.weights[draft.name]
    methods = draft.methods
    if not methods:
        flag = Flag("low_evidence", "no scoring method had data for this dimension", draft.name)
        empty = DimensionResult(draft.name, weight, 0.0, 0.0, MappingProxyType({}), (), None, True)
        return empty, (*draft.flags, flag)
    score = _weighted_score(draft.name, methods, rubric)
    confidence = min(MAX_CONFIDENCE, 1.0 - math.prod(1.0 - m.reliability for m in methods))
    spread = (max(m.score for m in methods) - min(m.score for m in methods)
              if len(methods) > 1 else None)
    flags = list(draft.flags)
    agrees = spread is None or spread <= rubric.disagreement_threshold
    if spread is not None:
        confidence *= 1.0 - spread / 200.0
    if not agrees:
        confidence = min(confidence * DISAGREEMENT_FACTOR, DISAGREEMENT_CONFIDENCE_CAP)
        flags.append(Flag("methods_disagree", _disagreement_reason(
            draft.name, methods, spread or 0.0, rubric), draft.name))
    result = DimensionResult(
        name=draft.name, weight=weight, score=score, confidence=confidence,
        breakdown=MappingProxyType({m.name: m.score for m in methods}),
        evidence=_evidence(methods),
        spread=spread, agrees=agrees)
    return result, tuple(flags)


def _weighted_score(dimension: str, methods: tuple[MethodScore, ...], rubric: Rubric) -> float:
    """Method-weighted mean; equal weights if every listed weight is zero."""
    weights = [rubric.method_weight(dimension, m.name) for m in methods]
    total = sum(weights)
    if total <= 0:
        return sum(m.score for m in methods) / len(methods)
    return sum(w * m.score for w, m in zip(weights, methods, strict=True)) / total


def _disagreement_reason(dimension: str, methods: tuple[MethodScore, ...], spread: float,
                         rubric: Rubric) -> str:
    scores = ", ".join(f"{m.name} {m.score:.1f}" for m in methods)
    return (f"{dimension}: methods disagree by {spread:.1f} points ({scores}), "
            f"above the threshold of {rubric.disagreement_threshold:g}")


def _evidence(methods: tuple[MethodScore, ...]) -> tuple[Evidence, ...]:
    """Evidence of all methods, without exact duplicates, interleaved so each method shows."""
    seen: set[tuple[str, str]] = set()
    out: list[Evidence] = []
    queues = [list(m.evidence) for m in methods]
    while any(queues) and len(out) < MAX_EVIDENCE_PER_DIMENSION:
        for queue in queues:
            if queue and len(out) < MAX_EVIDENCE_PER_DIMENSION:
                item = queue.pop(0)
                key = (item.event_id, item.description)
                if key not in seen:
                    seen.add(key)
                    out.append(item)
    return tuple(out)
