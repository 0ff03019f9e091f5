"""The LLM review method: the tool schema, parsing the answer, and the review as a method.

The prompt itself is built by :mod:`assess.evaluation.review_prompt`. The model
answers through a tool whose input follows :data:`LLM_REVIEW_SCHEMA`: per dimension a
score (0-100), a confidence (0-1, anchored in the rubric to how much of the dimension
the session shows), a rationale and evidence. :func:`parse_llm_review` keeps only
evidence that points at real events.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from assess.evaluation.errors import InvalidReview
from assess.evaluation.evidence import kind_for, make_evidence, truncate_snippet
from assess.evaluation.inputs import EvidenceRef, LLMReview
from assess.evaluation.methods import MethodScore
from assess.evaluation.rubric import DIMENSIONS
from assess.evaluation.session import SessionView
from assess.recording import RecordedEvent

__all__ = [
    "LLM_REVIEW_SCHEMA",
    "LLM_TOOL_NAME",
    "llm_method",
    "parse_llm_review",
]

LLM_TOOL_NAME = "submit_review"
_MAX_RATIONALE = 2000

_DIMENSION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "score": {"type": "number", "minimum": 0, "maximum": 100,
                  "description": "0-100, placed in the rubric's anchored band"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "0-1: how much of the dimension the session shows"},
        "rationale": {"type": "string",
                      "description": "one to three sentences: the strongest evidence for "
                                     "and against"},
        "evidence": {
            "type": "array",
            "description": "one to four events of the session that support the score",
            "items": {
                "type": "object",
                "properties": {"event_id": {"type": "string"}, "snippet": {"type": "string"}},
                "required": ["event_id"],
            },
        },
    },
    "required": ["score", "confidence", "rationale", "evidence"],
}

#: JSON schema of the review tool's input: one object per rubric dimension.
LLM_REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: _DIMENSION_SCHEMA for name in DIMENSIONS},
    "required": list(DIMENSIONS),
}

def parse_llm_review(payload: Mapping[str, Any],
                     recording: Sequence[RecordedEvent]) -> dict[str, LLMReview]:
    """Per-dimension reviews from the tool input; malformed dimensions are left out.

    Evidence whose ``event_id`` is not in the recording is dropped (the model may
    invent ids); scores must be finite numbers in [0, 100].
    """
    if not isinstance(payload, Mapping):
        raise InvalidReview(f"expected an object of reviews, got {type(payload).__name__}")
    known = {event.event_id for event in recording}
    reviews: dict[str, LLMReview] = {}
    for name in DIMENSIONS:
        review = _parse_one(payload.get(name), known)
        if review is not None:
            reviews[name] = review
    return reviews


def _parse_one(entry: object, known: set[str]) -> LLMReview | None:
    if not isinstance(entry, Mapping):
        return None
    score = entry.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        return None
    if not math.isfinite(score) or not 0 <= score <= 100:
        return None
    rationale = entry.get("rationale")
    refs = entry.get("evidence")
    evidence = tuple(
        EvidenceRef(str(ref["event_id"]), truncate_snippet(str(ref.get("snippet") or "")))
        for ref in (refs if isinstance(refs, list) else [])
        if isinstance(ref, Mapping) and ref.get("event_id") in known)
    text = rationale[:_MAX_RATIONALE] if isinstance(rationale, str) else ""
    return LLMReview(score=float(score), rationale=text, evidence=evidence,
                     confidence=_confidence(entry.get("confidence")))


def _confidence(value: object) -> float | None:
    """The stated confidence when it is a finite number in [0, 1], else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and 0 <= value <= 1 else None


def llm_method(review: LLMReview, view: SessionView) -> MethodScore | None:
    """The review as a scoring method; None when no cited evidence is in the recording.

    A score the model could not ground in the session is not used. Its reliability is
    the model's stated confidence, capped by how many real events it cited (0.6 for
    one, up to 0.8 for three or more): a confident claim with one citation is still
    one citation.
    """
    by_id = {event.event_id: event for event in view.events}
    refs = [ref for ref in review.evidence if ref.event_id in by_id]
    if not refs or not math.isfinite(review.score) or not 0 <= review.score <= 100:
        return None
    summary = " ".join(review.rationale.split())[:160] or "cited by the LLM reviewer"
    evidence = tuple(
        make_evidence(by_id[ref.event_id], kind_for(by_id[ref.event_id]),
                      f"LLM review: {summary}", snippet=ref.snippet or None)
        for ref in refs)
    cap = 0.5 + 0.1 * min(3, len(refs))
    reliability = cap if review.confidence is None else min(cap, review.confidence)
    return MethodScore("llm", review.score, reliability, evidence)
