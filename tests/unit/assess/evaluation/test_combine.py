"""Combining a dimension's methods: evidence-weighted confidence, no credit for what is unshown."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.evaluation import DEFAULT_RUBRIC, score_session
from assess.evaluation.combine import MIN_CONFIDENCE, combine, settle
from assess.evaluation.methods import DimensionDraft, MethodScore, Missing
from tests.unit.assess.evaluation.sessions import Recorder

TESTS = MethodScore("tests", 90.0, 0.6)
STATIC = MethodScore("static", 50.0, 0.5)


def test_a_required_method_without_evidence_keeps_its_weight_with_no_credit() -> None:
    shown = combine(DimensionDraft("code_quality", (STATIC,)), DEFAULT_RUBRIC)[0]
    unshown = combine(DimensionDraft("code_quality", (STATIC,), missing=(
        Missing("tests", "no test run", True),)), DEFAULT_RUBRIC)[0]
    # tests 0.45 and static 0.35 of the rubric: static alone vouches for 0.35 / 0.80
    assert unshown.score == pytest.approx(50.0 * 0.35 / 0.80)
    assert unshown.confidence == pytest.approx(0.5 * 0.35 / 0.80)
    assert shown.score == 50.0 and shown.confidence == pytest.approx(0.5)
    assert unshown.status == "insufficient_evidence"
    assert unshown.missing == ("tests: no test run (no credit)",)


def test_an_abstaining_method_only_lowers_confidence_by_not_speaking() -> None:
    both = combine(DimensionDraft("code_quality", (TESTS, STATIC)), DEFAULT_RUBRIC)[0]
    abstained = combine(DimensionDraft("code_quality", (TESTS, STATIC), missing=(
        Missing("llm", "offline", False),)), DEFAULT_RUBRIC)[0]
    assert abstained.score == both.score == pytest.approx((0.45 * 90 + 0.35 * 50) / 0.80)
    assert abstained.confidence == both.confidence == pytest.approx(1 - 0.4 * 0.5)
    assert abstained.missing == ("llm: offline",)


@given(reliability=st.floats(0.0, 0.9), irt=st.floats(0.0, 100.0))
def test_an_evidence_weighted_method_fades_in_with_its_reliability(reliability: float,
                                                                   irt: float) -> None:
    process = MethodScore("process", 80.0, 0.6, facet="ability")
    estimate = MethodScore("irt", irt, reliability, facet="ability", band=(0.0, 100.0),
                           by_evidence=True)
    result = combine(DimensionDraft("problem_solving", (process, estimate)), DEFAULT_RUBRIC)[0]
    weight = 0.25 * min(1.0, reliability / 0.75)
    assert result.score == pytest.approx((0.6 * 80.0 + weight * irt) / (0.6 + weight))
    assert result.agrees  # a band over the whole scale cannot disagree


def test_only_estimates_of_one_facet_can_disagree() -> None:
    far = MethodScore("static", 10.0, 0.5)
    assert combine(DimensionDraft("code_quality", (TESTS, far)), DEFAULT_RUBRIC)[0].agrees
    process = MethodScore("process", 90.0, 0.6, facet="ability")
    narrow = MethodScore("irt", 40.0, 0.8, facet="ability", band=(35.0, 45.0))
    wide = MethodScore("irt", 40.0, 0.3, facet="ability", band=(20.0, 95.0))
    clash, flags = combine(DimensionDraft("problem_solving", (process, narrow)), DEFAULT_RUBRIC)
    assert not clash.agrees and clash.spread == pytest.approx(45.0)
    assert [f.code for f in flags] == ["methods_disagree", "insufficient_evidence"]
    assert combine(DimensionDraft("problem_solving", (process, wide)), DEFAULT_RUBRIC)[0].agrees


def test_little_evidence_is_insufficient_and_says_why() -> None:
    thin = MethodScore("process", 70.0, MIN_CONFIDENCE / 2)
    result, flags = combine(DimensionDraft("problem_solving", (thin,), missing=(
        Missing("irt", "no question was answered", False),)), DEFAULT_RUBRIC)
    assert result.status == "insufficient_evidence" and result.score == 70.0
    assert "irt: no question was answered" in flags[-1].reason


def test_vague_prompts_and_bare_code_are_measured_not_floored() -> None:
    def session(prompts: list[str]) -> tuple[float, float]:
        rec = Recorder()
        rec.start()
        for i, prompt in enumerate(prompts):
            rec.ask(60 + 30 * i, prompt)
        code = "def merge(xs):\n    out = []\n    for x in sorted(xs):\n        out.append(x)\n" \
               "    out.sort()\n    return out\n"
        rec.edit(600, code)
        rec.test(620, passed=4)
        rec.complete(1200, code)
        result = score_session(rec.events).dimension("communication")
        return result.score, result.confidence

    terse = session(["fix it", "wrong", "again", "no", "fix", "still", "hmm", "?", "help", "x"])
    wordier = session(["it does not work", "still wrong after that", "please fix it again",
                       "it fails", "no change", "what now", "still failing", "help me",
                       "try again", "not right"])
    assert 0.0 < terse[0] < wordier[0] < 15.0
    # a score at the bottom of a text measure is a bound, trusted less than a midscale one
    assert terse[1] < 0.5 and terse[1] < wordier[1]


def test_a_blended_review_settles_the_status_from_the_final_confidence() -> None:
    thin, flags = combine(DimensionDraft("problem_solving", (
        MethodScore("process", 70.0, 0.2),)), DEFAULT_RUBRIC)
    assert thin.status == "insufficient_evidence" and flags[-1].code == "insufficient_evidence"
    lifted, kept = settle(dataclasses.replace(thin, confidence=0.6), flags)
    assert lifted.status == "scored" and not kept
    dropped, again = settle(dataclasses.replace(lifted, confidence=0.1), kept)
    assert dropped.status == "insufficient_evidence"
    assert [f.code for f in again] == ["insufficient_evidence"]
