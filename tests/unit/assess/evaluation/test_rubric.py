"""Rubric validation."""

from __future__ import annotations

import pytest

from assess.evaluation import DEFAULT_RUBRIC, EvaluationError, InvalidRubric, Rubric, score_session
from tests.unit.assess.evaluation.sessions import good_session


def test_default_weights() -> None:
    assert dict(DEFAULT_RUBRIC.weights) == {
        "code_quality": 0.40, "problem_solving": 0.25,
        "ai_collaboration": 0.20, "communication": 0.15}
    assert DEFAULT_RUBRIC.disagreement_threshold == 20.0
    assert issubclass(InvalidRubric, EvaluationError)


@pytest.mark.parametrize("weights, message", [
    ({"code_quality": 0.5, "problem_solving": 0.25, "ai_collaboration": 0.2,
      "communication": 0.15}, "sum to 1"),
    ({"code_quality": 0.65, "problem_solving": 0.25, "ai_collaboration": 0.1}, "missing"),
    ({"code_quality": 0.4, "problem_solving": 0.25, "ai_collaboration": 0.2,
      "communication": 0.1, "charisma": 0.05}, "unknown"),
    ({"code_quality": 1.2, "problem_solving": -0.2, "ai_collaboration": 0.0,
      "communication": 0.0}, ">= 0"),
    ({"code_quality": float("nan"), "problem_solving": 0.25, "ai_collaboration": 0.2,
      "communication": 0.15}, "finite"),
])
def test_bad_weights_are_rejected(weights: dict[str, float], message: str) -> None:
    with pytest.raises(InvalidRubric, match=message):
        Rubric(weights=weights)


def test_bad_threshold_and_version_are_rejected() -> None:
    with pytest.raises(InvalidRubric, match="threshold"):
        Rubric(disagreement_threshold=0)
    with pytest.raises(InvalidRubric, match="version"):
        Rubric(version=" ")
    with pytest.raises(InvalidRubric, match="method weights"):
        Rubric(method_weights={"code_quality": {"tests": -1.0}})


def test_custom_weights_drive_the_overall_score() -> None:
    only_code = Rubric(version="code-only", weights={
        "code_quality": 1.0, "problem_solving": 0.0, "ai_collaboration": 0.0,
        "communication": 0.0})
    result = score_session(good_session(), rubric=only_code)
    assert result.overall_score == pytest.approx(result.dimension("code_quality").score)
    assert result.overall_confidence == pytest.approx(
        result.dimension("code_quality").confidence)


def test_rubric_weights_are_read_only() -> None:
    weights = {"code_quality": 0.4, "problem_solving": 0.25, "ai_collaboration": 0.2,
               "communication": 0.15}
    rubric = Rubric(weights=weights)
    weights["code_quality"] = 0.9
    assert rubric.weights["code_quality"] == 0.4
    with pytest.raises(TypeError):
        rubric.weights["code_quality"] = 0.1  # type: ignore[index]
