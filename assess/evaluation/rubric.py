"""The scoring rubric: dimension weights, method weights and the disagreement threshold.

A rubric is versioned so every stored evaluation says which weights produced it.
Dimension weights must cover exactly :data:`DIMENSIONS` and sum to 1; the overall
score is their weighted sum. Method weights say how much each scoring method counts
inside a dimension; they are renormalised over the methods that actually ran, so a
missing method (no tests, no LLM) never drags a score towards zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from assess.evaluation.errors import InvalidRubric

__all__ = [
    "DEFAULT_METHOD_WEIGHTS",
    "DEFAULT_RUBRIC",
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "DIMENSION_DESCRIPTIONS",
    "Rubric",
]

DIMENSIONS: tuple[str, ...] = (
    "code_quality", "problem_solving", "ai_collaboration", "communication")

DIMENSION_DESCRIPTIONS: Mapping[str, str] = MappingProxyType({
    "code_quality": "correctness (tests), readability, structure and lint cleanliness "
                    "of the final code",
    "problem_solving": "iterating in edit-and-test cycles, turning failing tests into "
                       "passing ones, avoiding regressions, reaching a working solution",
    "ai_collaboration": "focused, well-posed prompts; checking AI changes instead of "
                        "accepting them blindly; a moderate, deliberate reliance on the AI",
    "communication": "clarity of the candidate's written prompts (goal, context, errors) "
                     "and documentation in the final code",
})

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "code_quality": 0.40, "problem_solving": 0.25,
    "ai_collaboration": 0.20, "communication": 0.15,
})

DEFAULT_METHOD_WEIGHTS: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "code_quality": MappingProxyType({"tests": 0.45, "static": 0.35, "llm": 0.20}),
    "problem_solving": MappingProxyType({"process": 0.60, "irt": 0.25, "llm": 0.15}),
    "ai_collaboration": MappingProxyType(
        {"interaction": 0.55, "interview_metrics": 0.25, "llm": 0.20}),
    "communication": MappingProxyType(
        {"prompt_clarity": 0.45, "documentation": 0.35, "llm": 0.20}),
})

_TOLERANCE = 1e-6


def _frozen(weights: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(weights))


@dataclass(frozen=True, slots=True)
class Rubric:
    """Versioned weights. ``disagreement_threshold`` is in score points (0-100)."""

    version: str = "2024.1"
    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    disagreement_threshold: float = 20.0
    method_weights: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: DEFAULT_METHOD_WEIGHTS)

    def __post_init__(self) -> None:
        _check_weights(self.weights)
        if not (math.isfinite(self.disagreement_threshold)
                and 0 < self.disagreement_threshold <= 100):
            raise InvalidRubric("disagreement_threshold must be in (0, 100] score points")
        if not self.version.strip():
            raise InvalidRubric("rubric version must not be empty")
        for dimension, methods in self.method_weights.items():
            if any(not math.isfinite(w) or w < 0 for w in methods.values()):
                raise InvalidRubric(f"method weights of {dimension} must be finite and >= 0")
        object.__setattr__(self, "weights", _frozen(self.weights))
        object.__setattr__(self, "method_weights", MappingProxyType(
            {dim: _frozen(methods) for dim, methods in self.method_weights.items()}))

    def method_weight(self, dimension: str, method: str) -> float:
        """Relative weight of a method within a dimension (1.0 for methods not listed)."""
        return self.method_weights.get(dimension, {}).get(method, 1.0)


def _check_weights(weights: Mapping[str, float]) -> None:
    """Reject weights that miss a dimension, add an unknown one, or do not sum to 1."""
    missing = set(DIMENSIONS) - set(weights)
    unknown = set(weights) - set(DIMENSIONS)
    if missing or unknown:
        raise InvalidRubric(
            f"weights must name exactly {', '.join(DIMENSIONS)}; "
            f"missing {sorted(missing)}, unknown {sorted(unknown)}")
    for name, weight in weights.items():
        if not isinstance(weight, int | float) or not math.isfinite(weight) or weight < 0:
            raise InvalidRubric(f"weight of {name} must be a finite number >= 0")
    total = math.fsum(weights.values())
    if abs(total - 1.0) > _TOLERANCE:
        raise InvalidRubric(f"weights must sum to 1, got {total:.6f}")


DEFAULT_RUBRIC = Rubric()
