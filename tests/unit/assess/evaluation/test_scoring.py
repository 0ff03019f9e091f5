"""score_session on crafted sessions whose relative quality is known by construction."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pytest

from assess.evaluation import (
    DIMENSIONS,
    EvaluationError,
    InterviewSignals,
    SessionNotComplete,
    StaticFinding,
    StaticReport,
    final_code,
    score_session,
)
from assess.recording import RecordedEvent
from tests.unit.assess.evaluation.sessions import (
    DELEGATING_PROMPTS,
    GOOD_CODE,
    MESSY_CODE,
    Recorder,
    bad_session,
    good_session,
)


def test_passing_documented_code_beats_failing_messy_code_on_code_quality() -> None:
    good = score_session(good_session())
    bad = score_session(bad_session())
    good_cq, bad_cq = good.dimension("code_quality"), bad.dimension("code_quality")
    assert good_cq.score > bad_cq.score + 40
    assert good_cq.breakdown["tests"] > bad_cq.breakdown["tests"]
    assert good_cq.breakdown["static"] > bad_cq.breakdown["static"]
    # tests method: 0.8 * last full run's pass% + 0.2 * its coverage (when reported)
    assert good_cq.breakdown["tests"] == pytest.approx(0.8 * 100 + 0.2 * 92)
    assert bad_cq.breakdown["tests"] == pytest.approx(10.0)
    assert good.overall_score > bad.overall_score


def test_focused_prompts_beat_delegating_prompts_on_ai_collaboration() -> None:
    focused = score_session(good_session())
    delegating = score_session(good_session(prompts=DELEGATING_PROMPTS))
    f_ai, d_ai = focused.dimension("ai_collaboration"), delegating.dimension("ai_collaboration")
    assert f_ai.score > d_ai.score + 10
    focus = [e for e in d_ai.evidence if e.description.startswith("Prompt focus")]
    assert focus and all(e.value == 0.0 for e in focus)  # they name nothing of the session
    assert (focused.dimension("communication").score
            > delegating.dimension("communication").score + 10)
    assert focused.dimension("code_quality") == delegating.dimension("code_quality")


def test_blind_acceptance_of_ai_changes_lowers_ai_collaboration() -> None:
    rec = Recorder()
    rec.start()
    rec.ask(10, DELEGATING_PROMPTS[0], files=("solution.py",))
    rec.edit(20, MESSY_CODE, trigger="ai")
    rec.test(30, passed=5)
    rec.edit(40, MESSY_CODE + "print(f([[1, 2]]))\n", trigger="ai")
    rec.test(50, passed=2)
    rec.complete(600, MESSY_CODE)
    result = score_session(rec.events).dimension("ai_collaboration")
    blind = [e for e in result.evidence if e.description.startswith("blind acceptance")]
    assert [e.event_id for e in blind] == [rec.events[5].event_id]
    assert result.score < 40


def test_problem_solving_rewards_progress_and_penalises_regressions() -> None:
    good = score_session(good_session()).dimension("problem_solving")
    bad = score_session(bad_session()).dimension("problem_solving")
    assert good.score > 80 > 30 > bad.score
    first_pass = [e for e in good.evidence if e.description.startswith("First run with")]
    assert first_pass[0].value == 240.0  # seconds since session start


def test_irt_joins_problem_solving_only_when_questions_were_answered() -> None:
    signals = InterviewSignals(theta=1.0, se=0.3, avg_prompt_quality=4.0, ai_dependency=40.0)
    unanswered = score_session(good_session(), signals=signals).dimension("problem_solving")
    assert list(unanswered.breakdown) == ["process"]
    assert "irt: no question was answered" in unanswered.missing
    rec = Recorder()
    rec.events = good_session()
    complete = rec.events.pop()
    rec.add("question-answered", 400, questionId="q-2", answer="42", timeSpent=30,
            isCorrect=True)
    rec.events.append(complete)
    answered = score_session(rec.events, signals=signals).dimension("problem_solving")
    assert set(answered.breakdown) == {"process", "irt"}
    assert answered.breakdown["irt"] == pytest.approx(100 / (1 + 2.718281828459045 ** -1.7))
    prior = score_session(rec.events, signals=replace(signals, se=0.95))
    assert "irt" not in prior.dimension("problem_solving").breakdown


def test_static_report_findings_lower_the_static_method() -> None:
    session = good_session()
    clean = StaticReport(analysed_files=("solution.py",), python_lines=16)
    noisy = replace(clean, findings=tuple(
        StaticFinding("F401", "`os` imported but unused", "solution.py", 1) for _ in range(3)))
    clean_score = score_session(session, static=clean).dimension("code_quality")
    noisy_score = score_session(session, static=noisy).dimension("code_quality")
    assert noisy_score.breakdown["static"] < clean_score.breakdown["static"]
    lint = [e for e in noisy_score.evidence if e.description.startswith("F401")]
    assert lint and lint[0].line == 1 and lint[0].file_path == "solution.py"


def _quality(findings: tuple[StaticFinding, ...] = (), passed: int = 10) -> float:
    """Code quality of the good session ending with ``passed`` of 10 and these findings."""
    session = good_session()
    session = [replace(e, data={**e.data, "passed": passed, "failed": 10 - passed})
               if e.type == "test-run" and e is session[-2] else e for e in session]
    static = StaticReport(analysed_files=("solution.py",), python_lines=16, findings=findings)
    return score_session(session, static=static).dimension("code_quality").score


def _finding(code: str, line: int = 1) -> StaticFinding:
    return StaticFinding(code, code, "solution.py", line)


def test_one_lint_finding_costs_less_than_one_failing_test() -> None:
    """Correctness first: an unused import in a short solution is not worth a failing test."""
    clean = _quality()
    one_finding = clean - _quality((_finding("F401"),))
    one_failing = clean - _quality(passed=9)
    assert 0 < one_finding < one_failing, (one_finding, one_failing)


def test_more_findings_keep_costing_and_errors_cost_more() -> None:
    """No cliff: each further finding lowers the score, and a name error weighs more."""
    scores = [_quality(tuple(_finding("F401", n) for n in range(count)))
              for count in range(6)]
    assert all(a > b for a, b in itertools.pairwise(scores)), scores
    assert _quality((_finding("F821"),)) < _quality((_finding("F401"),))


def test_incomplete_session_is_refused() -> None:
    live = [e for e in good_session() if e.type != "session-complete"]
    with pytest.raises(SessionNotComplete, match="session-complete"):
        score_session(live)
    assert issubclass(SessionNotComplete, EvaluationError)


def _all_evidence(recording: list[RecordedEvent], **kwargs: Any) -> Iterator[tuple[Any, Any]]:
    result = score_session(recording, **kwargs)
    for dimension in result.dimensions:
        for item in dimension.evidence:
            yield item, dimension


@pytest.mark.parametrize("make", [good_session, bad_session])
def test_every_evidence_item_points_at_a_real_event(make: Any) -> None:
    recording = make()
    by_id = {e.event_id: e for e in recording}
    items = list(_all_evidence(recording, signals=InterviewSignals(theta=0.2, se=0.5)))
    assert len(items) >= 10
    for item, _ in items:
        event = by_id[item.event_id]
        assert item.timestamp == event.timestamp
        assert item.event_type == event.type
        assert item.snippet is None or len(item.snippet.splitlines()) <= 15


def test_long_snippets_are_cut_to_fifteen_lines() -> None:
    rec = Recorder()
    rec.start()
    rec.ask(10, "\n".join(f"Line {i}: my merge() fails on case {i}." for i in range(40)))
    long_code = GOOD_CODE + "\n".join(f"x{i} = {i}  # filler" for i in range(60)) + "\n"
    rec.edit(20, long_code)
    rec.test(30, passed=4, output="\n".join(f"FAILED test_{i}" for i in range(80)))
    rec.complete(100, long_code)
    snippets = [item.snippet for item, _ in _all_evidence(rec.events) if item.snippet]
    assert any("FAILED test_0" in s for s in snippets)
    assert all(len(s.splitlines()) <= 15 for s in snippets)
    assert max(len(s.splitlines()) for s in snippets) == 15


def test_identity_changes_no_score() -> None:
    base = score_session(good_session())
    renamed = score_session(good_session(
        candidate_id="someone-else-99", candidateName="Grace Hopper",
        candidateEmail="grace@example.org"))
    assert renamed.to_dict() == base.to_dict()


class _IdentityGuard(Mapping[str, Any]):
    """Event data that fails the test if identity fields are read."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        assert not key.startswith("candidate") or key == "candidateMessage", key
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("scoring must not iterate over all event fields")

    def __len__(self) -> int:
        return len(self._data)


def test_scoring_never_reads_identity_fields() -> None:
    guarded = [replace(e, data=_IdentityGuard(e.data)) for e in good_session(
        candidateName="Ada Lovelace", candidateEmail="ada@example.com")]
    assert score_session(guarded).overall_score == score_session(good_session()).overall_score


def test_redact_scrubs_evidence_snippets() -> None:
    rec = Recorder()
    rec.start()
    rec.ask(10, "I am Ada Lovelace (ada@example.com). My merge() fails on touching ends.")
    rec.edit(20, GOOD_CODE)
    rec.test(30, passed=10)
    rec.complete(100, GOOD_CODE)
    text = json.dumps(score_session(rec.events, redact=["Ada Lovelace"]).to_dict())
    assert "Ada" not in text and "ada@example.com" not in text
    assert "[candidate]" in text and "[email]" in text


def test_low_evidence_and_offline_flags() -> None:
    rec = Recorder()
    rec.start()
    rec.complete(60, "")
    result = score_session(rec.events)
    assert result.has_flag("offline_mode") and result.mode == "offline"
    assert result.model == "offline"
    assert result.has_flag("low_evidence")
    assert result.needs_review
    for name in DIMENSIONS:
        assert result.has_flag("insufficient_evidence", name)
        assert result.dimension(name).status == "insufficient_evidence"
        assert result.dimension(name).score == 0.0
        assert result.dimension(name).confidence == 0.0
        assert result.dimension(name).missing
    assert result.overall_score == 0.0
    assert "tests: no test run: correctness was never checked (no credit)" in result.dimension(
        "code_quality").missing


def test_final_code_falls_back_to_last_edits() -> None:
    rec = Recorder()
    rec.start()
    rec.edit(10, "a = 1\n")
    rec.add("code-changed", 20, files={"util.py": "b = 2\n"}, trigger="manual")
    rec.edit(30, GOOD_CODE)
    rec.add("session-complete", 40, candidateId="c", questionId="q", duration=40)
    assert final_code(rec.events) == {"solution.py": GOOD_CODE, "util.py": "b = 2\n"}
    code_evidence = [e for e in score_session(rec.events).dimension("code_quality").evidence
                     if e.file_path == "solution.py"]
    assert {e.event_id for e in code_evidence} == {rec.events[3].event_id}


def test_to_dict_is_json_ready_with_the_documented_shape() -> None:
    result = score_session(good_session())
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"sessionId", "rubricVersion", "overallScore", "overallConfidence",
                         "dimensions", "flags", "methods", "needsReview", "model", "mode"}
    assert data["sessionId"] == "sess-1" and data["mode"] == "offline"
    assert list(data["dimensions"]) == list(DIMENSIONS)
    quality = data["dimensions"]["code_quality"]
    assert set(quality) == {"score", "confidence", "status", "methods", "missing", "weight",
                            "breakdown", "agreement", "evidence", "llm"}
    assert quality["methods"] == ["tests", "static"]
    assert "llm: no LLM review (offline)" in quality["missing"]
    assert quality["llm"] is None
    assert quality["weight"] == 0.4
    assert set(quality["evidence"][0]) == {"kind", "description", "timestamp", "eventId",
                                           "eventType", "snippet", "filePath", "line", "value"}
    assert data["overallScore"] == pytest.approx(sum(
        d["weight"] * d["score"] for d in data["dimensions"].values()), abs=0.01)
    assert data["methods"] == ["tests", "static", "process", "interaction", "prompt_clarity",
                               "documentation"]
