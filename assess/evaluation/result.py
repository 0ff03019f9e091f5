"""The evaluation result: evidence items, flags, per-dimension scores and the whole.

Every value is frozen. ``Evaluation.to_dict()`` is JSON-ready with camelCase keys,
matching the platform's wire contract, and is what the evaluation agent stores and
reports. Scores are 0-100, confidences 0-1, timestamps ISO-8601.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "DimensionResult",
    "Evaluation",
    "Evidence",
    "EvidenceKind",
    "Flag",
    "FlagCode",
    "LLMOpinion",
    "Mode",
    "Status",
]

EvidenceKind = Literal["code_snippet", "test_result", "ai_interaction", "metric"]
FlagCode = Literal["low_evidence", "methods_disagree", "offline_mode", "llm_method_dropped",
                   "events_out_of_order", "events_outside_session", "inconsistent_test_run",
                   "insufficient_evidence", "llm_disagrees", "prompt_injection_suspected"]
Status = Literal["scored", "insufficient_evidence"]
Mode = Literal["offline", "llm"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observation behind a score, always anchored to a real event of the recording.

    ``event_id``, ``event_type`` and ``timestamp`` are copied from that event, so a
    reviewer can jump to the moment in the session replay. ``snippet`` is at most
    15 lines; ``line`` is 1-based; ``value`` is the measured number, if any.
    """

    kind: EvidenceKind
    description: str
    timestamp: datetime
    event_id: str
    event_type: str
    snippet: str | None = None
    file_path: str | None = None
    line: int | None = None
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (camelCase keys; optional fields present as null)."""
        return {
            "kind": self.kind,
            "description": self.description,
            "timestamp": self.timestamp.isoformat(),
            "eventId": self.event_id,
            "eventType": self.event_type,
            "snippet": self.snippet,
            "filePath": self.file_path,
            "line": self.line,
            "value": None if self.value is None else round(self.value, 3),
        }


@dataclass(frozen=True, slots=True)
class Flag:
    """A reason a human should look twice; ``dimension`` is None for session-wide flags.

    ``evidence`` cites the events behind the flag when they are not a score's own
    evidence (e.g. the passages that address the grader).
    """

    code: FlagCode
    reason: str
    dimension: str | None = None
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``evidence`` only when the flag cites any)."""
        out: dict[str, Any] = {"code": self.code, "reason": self.reason,
                               "dimension": self.dimension}
        if self.evidence:
            out["evidence"] = [item.to_dict() for item in self.evidence]
        return out


@dataclass(frozen=True, slots=True)
class LLMOpinion:
    """The LLM reviewer's view of a dimension next to the deterministic methods' view.

    Scores are 0-100 and confidences 0-1. ``gap`` is ``score - deterministic_score``
    (positive when the LLM is kinder); ``agrees`` says it stayed within the rubric's
    disagreement threshold. ``weight`` is the LLM's share of the combined score (0
    when ``used`` is False, e.g. when the session tried to instruct the reviewer).
    """

    score: float
    confidence: float
    deterministic_score: float
    deterministic_confidence: float
    weight: float
    agrees: bool
    used: bool = True
    reason: str = ""

    @property
    def gap(self) -> float:
        """LLM score minus deterministic score, in points."""
        return self.score - self.deterministic_score

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"score": round(self.score, 2), "confidence": round(self.confidence, 3),
                "deterministic": {"score": round(self.deterministic_score, 2),
                                  "confidence": round(self.deterministic_confidence, 3)},
                "gap": round(self.gap, 2), "agrees": self.agrees,
                "weight": round(self.weight, 3), "used": self.used,
                "reason": self.reason or None}


@dataclass(frozen=True, slots=True)
class DimensionResult:
    """One rubric dimension: combined score, confidence, per-method breakdown, evidence.

    ``breakdown`` maps method name to that method's own 0-100 score. ``spread`` is
    max - min over the methods (None with fewer than two), and ``agrees`` says whether
    it stayed within the rubric's disagreement threshold. ``status`` is
    "insufficient_evidence" when confidence is too low to decide on; ``missing``
    says what had no evidence ("tests: no test run (no credit)").
    """

    name: str
    weight: float
    score: float
    confidence: float
    breakdown: Mapping[str, float]
    evidence: tuple[Evidence, ...]
    spread: float | None = None
    agrees: bool = True
    status: Status = "scored"
    missing: tuple[str, ...] = ()
    llm: LLMOpinion | None = None

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods that produced the score, in order."""
        return tuple(self.breakdown)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``llm`` is null when no LLM review was combined in."""
        return {
            "score": round(self.score, 2),
            "confidence": round(self.confidence, 3),
            "status": self.status,
            "methods": list(self.methods),
            "missing": list(self.missing),
            "weight": self.weight,
            "breakdown": {name: round(value, 2) for name, value in self.breakdown.items()},
            "agreement": {
                "methods": len(self.breakdown),
                "spread": None if self.spread is None else round(self.spread, 2),
                "agrees": self.agrees,
            },
            "evidence": [item.to_dict() for item in self.evidence],
            "llm": None if self.llm is None else self.llm.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A scored session. ``dimensions`` is in rubric order; ``methods`` lists every method used."""

    session_id: str
    rubric_version: str
    overall_score: float
    overall_confidence: float
    dimensions: tuple[DimensionResult, ...]
    flags: tuple[Flag, ...]
    methods: tuple[str, ...]
    needs_review: bool
    model: str
    mode: Mode

    def dimension(self, name: str) -> DimensionResult:
        """The result for one dimension by name (KeyError if the rubric has no such dimension)."""
        for result in self.dimensions:
            if result.name == name:
                return result
        raise KeyError(name)

    def has_flag(self, code: FlagCode, dimension: str | None = None) -> bool:
        """Whether a flag with this code (and dimension, when given) was raised."""
        return any(f.code == code and (dimension is None or f.dimension == dimension)
                   for f in self.flags)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (camelCase keys), suitable for storage and notifications."""
        return {
            "sessionId": self.session_id,
            "rubricVersion": self.rubric_version,
            "overallScore": round(self.overall_score, 2),
            "overallConfidence": round(self.overall_confidence, 3),
            "dimensions": {d.name: d.to_dict() for d in self.dimensions},
            "flags": [f.to_dict() for f in self.flags],
            "methods": list(self.methods),
            "needsReview": self.needs_review,
            "model": self.model,
            "mode": self.mode,
        }
