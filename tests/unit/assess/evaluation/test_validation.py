"""Multi-method validation: agreement, disagreement flags and confidence."""

from __future__ import annotations

import dataclasses

import pytest

from assess.evaluation import (
    DIMENSIONS,
    EvidenceRef,
    InterviewSignals,
    LLMReview,
    Rubric,
    score_session,
)
from assess.evaluation.blend import DISAGREEMENT_CONFIDENCE_CAP
from tests.unit.assess.evaluation.sessions import good_session


def _reviews(score: float, cite: str) -> dict[str, LLMReview]:
    return {name: LLMReview(score, f"{name} looks like {score}", (EvidenceRef(cite, "x"),))
            for name in DIMENSIONS}


def test_agreeing_llm_review_raises_confidence_without_flags() -> None:
    session = good_session()
    offline = score_session(session)
    agree = score_session(session, llm=_reviews(85.0, session[6].event_id), model="m-1")
    assert agree.mode == "llm" and agree.model == "m-1"
    assert not agree.needs_review
    assert not agree.has_flag("methods_disagree") and not agree.has_flag("offline_mode")
    for name in DIMENSIONS:
        opinion = agree.dimension(name).llm
        assert opinion is not None and opinion.agrees and opinion.used
        assert agree.dimension(name).confidence >= offline.dimension(name).confidence * 0.9
    assert "llm" in agree.methods


def test_disagreement_over_threshold_flags_and_cuts_confidence() -> None:
    session = good_session()
    agree = score_session(session, llm=_reviews(85.0, session[6].event_id), model="m")
    clash = score_session(session, llm=_reviews(10.0, session[6].event_id), model="m")
    quality = clash.dimension("code_quality")
    assert quality.llm is not None and not quality.llm.agrees and quality.llm.used
    assert quality.spread is not None and quality.spread > 20 and not quality.agrees
    assert clash.needs_review
    assert clash.has_flag("llm_disagrees", "code_quality")
    reason = next(f.reason for f in clash.flags if f.dimension == "code_quality"
                  and f.code == "llm_disagrees")
    assert reason.startswith("code_quality: the LLM review gives 10.0")
    assert quality.confidence <= DISAGREEMENT_CONFIDENCE_CAP
    assert quality.confidence < agree.dimension("code_quality").confidence / 2
    # not averaged away: both views are in the result, the score is the weighted one
    offline = score_session(session).dimension("code_quality")
    assert quality.llm.deterministic_score == pytest.approx(offline.score)
    assert quality.llm.gap == pytest.approx(10.0 - offline.score)
    weight = quality.llm.weight
    assert 0 < weight < 0.5
    assert quality.score == pytest.approx(weight * 10.0 + (1 - weight) * offline.score)
    assert clash.overall_confidence < agree.overall_confidence


def _with_answers(theta: float) -> tuple[list, InterviewSignals]:  # type: ignore[type-arg]
    """The good session with one answered question and an IRT estimate of ``theta``."""
    events = good_session()
    complete = events.pop()
    answer = dataclasses.replace(events[1], event_id="interview:0:150", seq=len(events),
                                 type="question-answered", timestamp=complete.timestamp,
                                 data={"sessionId": "sess-1", "questionId": "q-2",
                                       "answer": "42", "timeSpent": 30, "isCorrect": True})
    return [*events, answer, complete], InterviewSignals(theta=theta, se=0.3)


def test_threshold_is_configurable() -> None:
    session, signals = _with_answers(-0.4)  # process ~96 against IRT ~34
    near = _with_answers(1.0)[1]  # IRT ~85: about 12 points from the process method
    strict = Rubric(version="strict", disagreement_threshold=5.0)
    result = score_session(session, rubric=strict, signals=near)
    spread = result.dimension("problem_solving").spread
    assert spread is not None and spread > 5.0
    assert result.has_flag("methods_disagree", "problem_solving")
    assert result.rubric_version == "strict"
    assert not score_session(session, signals=near).has_flag("methods_disagree",
                                                             "problem_solving")
    assert score_session(session, signals=signals).has_flag("methods_disagree",
                                                            "problem_solving")


def test_llm_review_citing_no_real_event_is_dropped_and_flagged() -> None:
    session = good_session()
    reviews = _reviews(60.0, "interview:9:999")
    reviews["communication"] = LLMReview(60.0, "fine", (EvidenceRef(session[1].event_id),))
    del reviews["problem_solving"]
    result = score_session(session, llm=reviews, model="m")
    assert result.has_flag("llm_method_dropped", "code_quality")
    assert result.has_flag("llm_method_dropped", "problem_solving")
    assert "llm" not in result.dimension("code_quality").breakdown
    assert result.dimension("communication").breakdown["llm"] == 60.0
    llm_items = [e for e in result.dimension("communication").evidence
                 if e.description.startswith("LLM review")]
    assert [e.event_id for e in llm_items] == [session[1].event_id]
    assert llm_items[0].kind == "ai_interaction"


def test_single_method_dimensions_report_no_spread() -> None:
    result = score_session(good_session())
    dim = result.dimension("problem_solving")
    assert list(dim.breakdown) == ["process"]
    assert dim.spread is None and dim.agrees
    # tests and static analysis measure different parts of code quality: no rival estimates
    assert result.dimension("code_quality").spread is None
