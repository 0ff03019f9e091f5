"""One dimension's deterministic result and the LLM reviewer's opinion, combined by confidence.

Both are estimates of the same 0-100 score, each with a confidence (0-1): the
deterministic one from :func:`assess.evaluation.combine.combine`, the LLM's from
:func:`assess.evaluation.llm.llm_method` (its stated confidence capped by how many
real events it cited). With ``s`` the LLM's share of the dimension in the rubric
(its method weight over the dimension's method weights, 0.2 for code quality) the
combined score is::

    score = (s * c_llm * llm + (1 - s) * c_det * det) / (s * c_llm + (1 - s) * c_det)

so a confident method moves the score more than an unsure one, and a method
without evidence (confidence 0) moves it not at all. The combined confidence
treats the two as independent witnesses, ``1 - (1 - c_det)(1 - c_llm)`` (at most
0.95), lowered by their gap (``1 - gap / 200``).

Disagreement stays visible. Every result carries an :class:`LLMOpinion` with both
scores, both confidences, the gap and the LLM's weight; the dimension's breakdown,
spread and ``agrees`` then cover the LLM too. A gap above the rubric's
disagreement threshold (20 points) is not averaged away: the confidence drops to
at most 0.3 and an ``llm_disagrees`` flag names both numbers, which sends the
evaluation to a human. When the recording tried to instruct the reviewer, the
opinion is shown but not used (``used`` False, weight 0): the score is then the
deterministic one, which no text addressed to the grader can move. Nor does the
LLM decide alone: a dimension the deterministic methods found ``insufficient_evidence``
stays so, with the LLM's view shown beside it. An unused or dropped review is named
in the dimension's ``missing``.
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

from assess.evaluation.combine import MAX_EVIDENCE_PER_DIMENSION
from assess.evaluation.inputs import LLMReview
from assess.evaluation.llm import llm_method
from assess.evaluation.methods import MethodScore
from assess.evaluation.result import DimensionResult, Flag, LLMOpinion
from assess.evaluation.rubric import Rubric
from assess.evaluation.session import SessionView

__all__ = ["DISAGREEMENT_CONFIDENCE_CAP", "MAX_CONFIDENCE", "blend", "llm_share", "with_llm"]

MAX_CONFIDENCE = 0.95
DISAGREEMENT_CONFIDENCE_CAP = 0.3
DISAGREEMENT_FACTOR = 0.4
#: Evidence items the LLM may add to a dimension (the rest stay the methods').
_LLM_EVIDENCE = 3


def llm_share(dimension: str, rubric: Rubric) -> float:
    """The LLM's share of a dimension in the rubric (0-1)."""
    weights = rubric.method_weights.get(dimension, {})
    llm = rubric.method_weight(dimension, "llm")
    total = sum(w for name, w in weights.items() if name != "llm") + llm
    return llm / total if total > 0 else 0.5


def blend(result: DimensionResult, method: MethodScore, rubric: Rubric, *,
          use: bool = True, reason: str = "") -> tuple[DimensionResult, tuple[Flag, ...]]:
    """The dimension with the LLM's opinion combined in (or only shown, when ``use`` is False)."""
    det, c_det = result.score, result.confidence
    llm, c_llm = method.score, min(1.0, max(0.0, method.reliability))
    has_det = c_det > 0 and bool(result.breakdown)
    agrees = not has_det or abs(llm - det) <= rubric.disagreement_threshold
    if result.status != "scored" and use:
        use, reason = False, ("the deterministic methods found too little evidence; the LLM's "
                              "view alone does not decide")
    if not use:
        opinion = LLMOpinion(llm, c_llm, det, c_det, 0.0, agrees, used=False, reason=reason)
        return dataclasses.replace(result, llm=opinion,
                                   missing=(*result.missing, f"llm: not used: {reason}")), ()
    weight = _weight(llm_share(result.name, rubric), c_llm, c_det if has_det else 0.0)
    score = weight * llm + (1.0 - weight) * det
    confidence = min(MAX_CONFIDENCE, 1.0 - (1.0 - c_det) * (1.0 - c_llm))
    flags: tuple[Flag, ...] = ()
    if has_det:
        confidence *= 1.0 - abs(llm - det) / 200.0
    if not agrees:
        confidence = min(confidence * DISAGREEMENT_FACTOR, DISAGREEMENT_CONFIDENCE_CAP)
        flags = (Flag("llm_disagrees", _reason(result.name, llm, c_llm, det, c_det, rubric),
                      result.name),)
    opinion = LLMOpinion(llm, c_llm, det, c_det, weight, agrees, reason=reason)
    cited = method.evidence[:_LLM_EVIDENCE]
    evidence = (*result.evidence[: MAX_EVIDENCE_PER_DIMENSION - len(cited)], *cited)
    breakdown = {**result.breakdown, method.name: llm}
    spread = max(breakdown.values()) - min(breakdown.values()) if len(breakdown) > 1 else None
    return dataclasses.replace(
        result, score=score, confidence=confidence, evidence=evidence, llm=opinion,
        breakdown=MappingProxyType(breakdown), spread=spread,
        agrees=result.agrees and agrees), flags


def _weight(share: float, c_llm: float, c_det: float) -> float:
    """The LLM's weight in the combined score: rubric share times confidence, normalised."""
    llm, det = share * c_llm, (1.0 - share) * c_det
    if llm + det <= 0 or not math.isfinite(llm + det):
        return share if c_det > 0 or c_llm > 0 else 0.0
    return llm / (llm + det)


def _reason(dimension: str, llm: float, c_llm: float, det: float, c_det: float,
            rubric: Rubric) -> str:
    return (f"{dimension}: the LLM review gives {llm:.1f} (confidence {c_llm:.2f}), the "
            f"deterministic methods {det:.1f} (confidence {c_det:.2f}): {abs(llm - det):.1f} "
            f"points apart, above the threshold of {rubric.disagreement_threshold:g}")


def with_llm(result: DimensionResult, review: LLMReview | None, view: SessionView,
             rubric: Rubric, *,
             suspected: bool = False) -> tuple[DimensionResult, tuple[Flag, ...]]:
    """The dimension with its part of the LLM review, or a flag saying why it was dropped.

    ``suspected``: the recording tried to instruct the reviewer, so the review is
    shown but not used.
    """
    method = None if review is None else llm_method(review, view)
    if method is None:
        why = ("the LLM review has no usable entry for this dimension" if review is None
               else "the LLM review cited no event of this recording")
        return (dataclasses.replace(result, missing=(*result.missing, f"llm: {why}")),
                (Flag("llm_method_dropped", why, result.name),))
    if suspected:
        return blend(result, method, rubric, use=False,
                     reason="the recording addresses the grader (prompt_injection_suspected)")
    return blend(result, method, rubric)
