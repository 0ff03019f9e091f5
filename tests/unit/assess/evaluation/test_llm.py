"""The LLM review request (scrubbed), its schema, and parsing the tool input."""

from __future__ import annotations

import jsonschema
import pytest

from assess.evaluation import (
    DEFAULT_RUBRIC,
    DIMENSIONS,
    LLM_REVIEW_SCHEMA,
    EvidenceRef,
    InvalidReview,
    LLMReview,
    SessionNotComplete,
    build_llm_request,
    parse_llm_review,
)
from assess.evaluation.llm import llm_method
from assess.evaluation.session import SessionView
from tests.unit.assess.evaluation.sessions import GOOD_CODE, Recorder, good_session


def _session_with_pii() -> Recorder:
    rec = Recorder(candidate_id="cand-555")
    rec.start(candidateName="Ada Lovelace", candidateEmail="ada@example.com")
    rec.ask(30, "Hi, Ada here (ada@example.com, +44 20 7946 0958). Docs at https://ada.dev. "
                "My merge() fails on touching ends; cand-555.")
    rec.edit(60, GOOD_CODE + "# author: Ada Lovelace <ada@example.com>\n")
    rec.test(90, passed=10, coverage=90)
    rec.complete(120, GOOD_CODE + "# author: Ada Lovelace <ada@example.com>\n")
    return rec


def test_request_is_scrubbed_and_cites_event_ids() -> None:
    rec = _session_with_pii()
    system, rubric_text, user_text = build_llm_request(rec.events, DEFAULT_RUBRIC)
    everything = "\n".join((system, rubric_text, user_text))
    for secret in ("Ada", "Lovelace", "ada@example.com", "7946", "ada.dev", "cand-555"):
        assert secret not in everything
    assert "[candidate]" in user_text and "[email]" in user_text
    assert "[phone]" in user_text and "[url]" in user_text
    for event in rec.events:
        assert f"[{event.event_id}]" in user_text
    assert "def merge(intervals" in user_text
    assert "passed=10/10" in user_text and "coverage=90" in user_text
    assert "code_quality (40%)" in rubric_text and DEFAULT_RUBRIC.version in rubric_text
    assert "submit_review" in system


def test_request_refuses_live_session() -> None:
    live = [e for e in good_session() if e.type != "session-complete"]
    with pytest.raises(SessionNotComplete):
        build_llm_request(live, DEFAULT_RUBRIC)


def _payload(event_ids: list[str]) -> dict[str, object]:
    return {name: {"score": 70, "confidence": 0.7, "rationale": f"{name} ok",
                   "evidence": [{"event_id": i, "snippet": "s"} for i in event_ids]}
            for name in DIMENSIONS}


def test_schema_accepts_a_well_formed_review() -> None:
    jsonschema.validate(_payload(["interview:0:100"]), LLM_REVIEW_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(LLM_REVIEW_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"code_quality": {"score": 101}}, LLM_REVIEW_SCHEMA)


def test_parse_drops_evidence_outside_the_recording() -> None:
    session = good_session()
    real = session[3].event_id
    reviews = parse_llm_review(_payload([real, "interview:0:99999", "made-up"]), session)
    assert set(reviews) == set(DIMENSIONS)
    for review in reviews.values():
        assert review.score == 70.0 and review.confidence == 0.7
        assert review.evidence == (EvidenceRef(real, "s"),)


@pytest.mark.parametrize("stated, kept", [
    (0.4, 0.4), (0, 0.0), (1, 1.0), (1.5, None), (-0.1, None), (float("nan"), None),
    (True, None), ("high", None), (None, None)])
def test_parse_keeps_only_a_valid_confidence(stated: object, kept: float | None) -> None:
    session = good_session()
    payload = _payload([session[3].event_id])
    payload["code_quality"]["confidence"] = stated  # type: ignore[index]
    assert parse_llm_review(payload, session)["code_quality"].confidence == kept


def test_the_llm_method_is_as_reliable_as_its_confidence_and_citations_allow() -> None:
    session = good_session()
    view = SessionView.from_recording(session)
    one = [EvidenceRef(session[3].event_id)]
    three = [EvidenceRef(e.event_id) for e in session[3:6]]
    assert _reliability(LLMReview(70, "r", tuple(one), 0.95), view) == pytest.approx(0.6)
    assert _reliability(LLMReview(70, "r", tuple(three), 0.95), view) == pytest.approx(0.8)
    assert _reliability(LLMReview(70, "r", tuple(three), 0.2), view) == pytest.approx(0.2)
    assert _reliability(LLMReview(70, "r", tuple(three)), view) == pytest.approx(0.8)
    assert llm_method(LLMReview(70, "r", (EvidenceRef("made-up"),), 0.9), view) is None


def _reliability(review: LLMReview, view: SessionView) -> float:
    method = llm_method(review, view)
    assert method is not None
    return method.reliability


def test_parse_skips_malformed_dimensions() -> None:
    session = good_session()
    payload = _payload([session[0].event_id])
    payload["code_quality"] = {"score": 140, "rationale": "x", "evidence": []}
    payload["communication"] = {"score": "high", "rationale": "x", "evidence": []}
    payload["problem_solving"] = "excellent"
    payload["ai_collaboration"] = {"score": True, "rationale": "x", "evidence": []}
    assert parse_llm_review(payload, session) == {}


def test_parse_cuts_long_snippets_and_rationales() -> None:
    session = good_session()
    payload = {"code_quality": {"score": 50, "rationale": "r" * 5000, "evidence": [
        {"event_id": session[2].event_id, "snippet": "\n".join(["line"] * 40)}]}}
    review = parse_llm_review(payload, session)["code_quality"]
    assert len(review.rationale) == 2000
    assert len(review.evidence[0].snippet.splitlines()) == 15


def test_parse_rejects_non_objects() -> None:
    with pytest.raises(InvalidReview):
        parse_llm_review(["not", "a", "dict"], good_session())  # type: ignore[arg-type]
