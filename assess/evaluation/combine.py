"""Turning a dimension's methods into one result: score, confidence, agreement, what is missing.

Score: the method-weighted mean (weights from the rubric; a method whose amount of
evidence is not the candidate's to choose, such as IRT, counts in proportion to its
reliability up to FULL_RELIABILITY). A method that abstained
(:class:`~assess.evaluation.methods.Missing` with ``counts_against`` false) gives its
weight to the others; a method the candidate had to feed and did not (tests never
run, no code) keeps its weight with no credit, so leaving evidence out never raises
a score::

    score = sum(w_m * s_m) / (sum(w_m) + sum(w_unshown))

Confidence: the methods' reliabilities as independent witnesses, ``1 - prod(1 - r)``,
times the share of the weight that was shown, lowered a little by spread within
the threshold (``1 - spread / 200``), capped at 0.95. Spread is measured among
methods estimating the same facet (process and IRT for problem solving); methods
of different facets are parts of the dimension, not rival estimates. A spread
above the rubric's threshold is not averaged away: confidence drops to at most 0.3
and a ``methods_disagree`` flag names the methods' scores. A dimension whose confidence
ends below :data:`MIN_CONFIDENCE` is ``insufficient_evidence``: its number is a
best guess from little, the result says what is missing and raises a flag.
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

from assess.evaluation.methods import DimensionDraft, MethodScore, clamp
from assess.evaluation.result import DimensionResult, Evidence, Flag, Status
from assess.evaluation.rubric import Rubric

__all__ = ["DISAGREEMENT_CONFIDENCE_CAP", "MAX_EVIDENCE_PER_DIMENSION", "MIN_CONFIDENCE",
           "combine", "settle"]

MAX_CONFIDENCE = 0.95
MIN_CONFIDENCE = 0.3
FULL_RELIABILITY = 0.75  # an IRT estimate with SE 0.5 logits counts at its full weight
DISAGREEMENT_CONFIDENCE_CAP = 0.3
DISAGREEMENT_FACTOR = 0.4
MAX_EVIDENCE_PER_DIMENSION = 12


def combine(draft: DimensionDraft, rubric: Rubric) -> tuple[DimensionResult, tuple[Flag, ...]]:
    """The dimension's result and its flags (the draft's own, disagreement, insufficiency)."""
    weight = rubric.weights[draft.name]
    methods = draft.methods
    missing = _missing(draft)
    flags = list(draft.flags)
    if not methods:
        flags.append(Flag("insufficient_evidence", _insufficient(draft.name, missing),
                          draft.name))
        empty = DimensionResult(draft.name, weight, 0.0, 0.0, MappingProxyType({}), (), None,
                                True, status="insufficient_evidence", missing=missing)
        return empty, tuple(flags)
    score, shown = _weighted_score(draft, rubric)
    confidence = shown * (1.0 - math.prod(1.0 - clamp(m.reliability, 0.0, 1.0)
                                          for m in methods))
    spread = _spread(methods)
    agrees = spread is None or spread <= rubric.disagreement_threshold
    if spread is not None:
        confidence *= 1.0 - spread / 200.0
    if not agrees:
        confidence = min(confidence * DISAGREEMENT_FACTOR, DISAGREEMENT_CONFIDENCE_CAP)
        flags.append(Flag("methods_disagree", _disagreement_reason(
            draft.name, methods, spread or 0.0, rubric), draft.name))
    confidence = clamp(confidence, 0.0, MAX_CONFIDENCE)
    status: Status = "scored" if confidence >= MIN_CONFIDENCE else "insufficient_evidence"
    if status != "scored":
        flags.append(Flag("insufficient_evidence", _insufficient(
            draft.name, missing, confidence, disagree=not agrees), draft.name))
    result = DimensionResult(
        name=draft.name, weight=weight, score=clamp(score), confidence=confidence,
        breakdown=MappingProxyType({m.name: clamp(m.score) for m in methods}),
        evidence=_evidence(methods), spread=spread, agrees=agrees, status=status,
        missing=missing)
    return result, tuple(flags)


def _weighted_score(draft: DimensionDraft, rubric: Rubric) -> tuple[float, float]:
    """(score, shown share): unshown required methods keep their weight with no credit."""
    methods = draft.methods
    weights = [rubric.method_weight(draft.name, m.name) * _evidence_share(m) for m in methods]
    unshown = sum(rubric.method_weight(draft.name, m.method)
                  for m in draft.missing if m.counts_against)
    total = sum(weights)
    if total <= 0:  # every listed weight is zero: equal weights, nothing to hold back
        return sum(m.score for m in methods) / len(methods), 1.0
    mean = sum(w * clamp(m.score) for w, m in zip(weights, methods, strict=True)) / total
    shown = total / (total + unshown)
    return mean * shown, shown


def _evidence_share(method: MethodScore) -> float:
    """1, or for evidence-weighted methods their reliability against FULL_RELIABILITY."""
    if not method.by_evidence:
        return 1.0
    return clamp(method.reliability / FULL_RELIABILITY, 0.0, 1.0)


def _spread(methods: tuple[MethodScore, ...]) -> float | None:
    """Largest gap among methods estimating the same facet; None if none share one.

    The gap is between their bands (one standard error either side, where known), so
    an estimate from two answers cannot disagree with anything it could also be.
    """
    groups: dict[str, list[tuple[float, float]]] = {}
    for method in methods:
        low, high = method.interval
        groups.setdefault(method.group, []).append((clamp(low), clamp(high)))
    # the gap between the bands: estimates whose error bands overlap do not disagree
    spreads = [max(0.0, max(lo for lo, _ in g) - min(hi for _, hi in g))
               for g in groups.values() if len(g) > 1]
    return max(spreads) if spreads else None


def settle(result: DimensionResult,
           flags: tuple[Flag, ...]) -> tuple[DimensionResult, tuple[Flag, ...]]:
    """Status and ``insufficient_evidence`` flag from the final confidence.

    After an LLM review is blended in, the dimension's confidence is no longer the
    deterministic one: a review that disagrees can push it below MIN_CONFIDENCE, and
    the status then says the number is not one to decide on. (A dimension already
    short of evidence keeps its confidence: the blend does not use a review there.)
    """
    enough = result.confidence >= MIN_CONFIDENCE and bool(result.breakdown)
    status: Status = "scored" if enough else "insufficient_evidence"
    kept = tuple(f for f in flags if f.code != "insufficient_evidence")
    if not enough:
        kept += (Flag("insufficient_evidence", _insufficient(
            result.name, result.missing, result.confidence, disagree=not result.agrees),
            result.name),)
    return dataclasses.replace(result, status=status), kept


def _missing(draft: DimensionDraft) -> tuple[str, ...]:
    """What had no evidence: absent methods first, then gaps inside the methods that ran."""
    absent = [f"{m.method}: {m.reason}" + (" (no credit)" if m.counts_against else "")
              for m in draft.missing]
    gaps = [f"{m.name}: {gap}" for m in draft.methods for gap in m.gaps]
    return tuple(dict.fromkeys([*absent, *gaps]))


def _insufficient(dimension: str, missing: tuple[str, ...], confidence: float = 0.0, *,
                  disagree: bool = False) -> str:
    why = ["its methods disagree"] if disagree else []
    why += [f"missing {'; '.join(missing)}"] if missing else []
    if not why:
        why = ["the methods that ran had little evidence"]
    return (f"{dimension}: insufficient evidence, confidence {confidence:.2f} below "
            f"{MIN_CONFIDENCE:g} ({'; '.join(why)})")


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
