"""Deterministic result and LLM opinion combined by confidence; disagreement stays visible."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.evaluation import DEFAULT_RUBRIC
from assess.evaluation.blend import DISAGREEMENT_CONFIDENCE_CAP, MAX_CONFIDENCE, blend, llm_share
from assess.evaluation.methods import MethodScore
from assess.evaluation.result import DimensionResult

SCORES = st.floats(0, 100)
CONFIDENCES = st.floats(0, 1)


def _det(score: float, confidence: float, name: str = "code_quality") -> DimensionResult:
    breakdown = MappingProxyType({"tests": score, "static": score} if confidence > 0 else {})
    return DimensionResult(name, 0.4, score, confidence, breakdown, (), 0.0, True)


def _llm(score: float, confidence: float) -> MethodScore:
    return MethodScore("llm", score, confidence)


def test_the_share_comes_from_the_rubric() -> None:
    assert llm_share("code_quality", DEFAULT_RUBRIC) == pytest.approx(0.20)
    assert llm_share("problem_solving", DEFAULT_RUBRIC) == pytest.approx(0.15)


def test_equal_confidence_gives_the_rubric_share() -> None:
    result, flags = blend(_det(60, 0.7), _llm(70, 0.7), DEFAULT_RUBRIC)
    assert result.score == pytest.approx(0.8 * 60 + 0.2 * 70)
    assert result.llm is not None and result.llm.weight == pytest.approx(0.2)
    assert flags == () and result.llm.agrees and result.breakdown["llm"] == 70


def test_an_unsure_llm_moves_the_score_less_and_a_blank_one_not_at_all() -> None:
    sure, _ = blend(_det(60, 0.7), _llm(75, 0.9), DEFAULT_RUBRIC)
    unsure, _ = blend(_det(60, 0.7), _llm(75, 0.2), DEFAULT_RUBRIC)
    blank, _ = blend(_det(60, 0.7), _llm(75, 0.0), DEFAULT_RUBRIC)
    assert 60 < unsure.score < sure.score < 75
    assert blank.score == pytest.approx(60)


def test_the_llm_alone_does_not_decide_an_insufficient_dimension() -> None:
    det = dataclasses.replace(_det(20, 0.1), status="insufficient_evidence",
                              missing=("tests: no test run (no credit)",))
    result, flags = blend(det, _llm(72, 0.6), DEFAULT_RUBRIC)
    assert (result.score, result.confidence, result.status) == (20, 0.1, "insufficient_evidence")
    assert flags == () and result.llm is not None and not result.llm.used
    assert result.missing[0] == "tests: no test run (no credit)"
    assert result.missing[-1].startswith("llm: not used: the deterministic methods")


def test_a_wide_gap_is_flagged_and_cuts_confidence() -> None:
    result, flags = blend(_det(40, 0.8), _llm(95, 0.9), DEFAULT_RUBRIC)
    assert [f.code for f in flags] == ["llm_disagrees"] and flags[0].dimension == "code_quality"
    assert "95.0" in flags[0].reason and "40.0" in flags[0].reason
    assert result.confidence <= DISAGREEMENT_CONFIDENCE_CAP
    assert result.llm is not None and result.llm.gap == pytest.approx(55) and not result.agrees
    assert result.to_dict()["llm"]["deterministic"] == {"score": 40.0, "confidence": 0.8}


def test_an_unused_opinion_is_shown_and_changes_nothing() -> None:
    det = _det(40, 0.8)
    result, flags = blend(det, _llm(95, 0.9), DEFAULT_RUBRIC, use=False, reason="why")
    assert flags == () and result.score == det.score and result.confidence == det.confidence
    assert result.breakdown == det.breakdown
    assert result.llm is not None and not result.llm.used and result.llm.weight == 0
    assert result.to_dict()["llm"]["reason"] == "why"


@given(det=SCORES, c_det=CONFIDENCES, llm=SCORES, c_llm=CONFIDENCES)
def test_the_combination_is_bounded_and_between_its_inputs(
        det: float, c_det: float, llm: float, c_llm: float) -> None:
    result, flags = blend(_det(det, c_det), _llm(llm, c_llm), DEFAULT_RUBRIC)
    assert result.status == "scored"
    assert min(det, llm) - 1e-9 <= result.score <= max(det, llm) + 1e-9
    assert 0.0 <= result.confidence <= MAX_CONFIDENCE
    assert result.llm is not None and 0.0 <= result.llm.weight <= 1.0
    assert (result.llm.score, result.llm.confidence) == (llm, c_llm)
    far = c_det > 0 and abs(llm - det) > DEFAULT_RUBRIC.disagreement_threshold
    assert bool(flags) == far
    if far:
        assert result.confidence <= DISAGREEMENT_CONFIDENCE_CAP
