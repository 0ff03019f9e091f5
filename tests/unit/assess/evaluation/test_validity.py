"""The done-when bounds of the evaluation, checked on the crafted validation set.

The set lives in ``benchmarks/validation``; ``benchmarks/evaluation_validity.py``
prints the same figures. Every session is scored as ``interviewlm evaluate
--offline`` scores it (contract, reducer signals, ruff, evaluation service).
"""

from __future__ import annotations

import pytest

from assess.evaluation import DIMENSIONS
from benchmarks.validation.catalogue import CASES
from benchmarks.validation.measure import Report, run, spearman

ISSUE_TRICKS = {"word-salad", "keyword-stuffing", "hollow-docs", "empty-prompts", "never-test",
                "trivial-first-run", "manual-paste", "reversed-order", "before-start"}


@pytest.fixture(scope="module")
def report() -> Report:
    return run()


def test_the_set_has_ladders_tricks_styles_and_identities() -> None:
    groups = {case.group for case in CASES}
    assert {"overall", *DIMENSIONS, "gaming", "style", "identity"} <= groups
    assert len(CASES) >= 40
    tricks = {c.name.split("/")[1] for c in CASES if c.group == "gaming" and c.twin}
    assert tricks >= ISSUE_TRICKS and len(tricks) > len(ISSUE_TRICKS)
    for group in ("overall", *DIMENSIONS):
        assert len([c for c in CASES if c.group == group]) >= 6, group
    assert {"style/spanish", "style/german", "style/chinese"} <= {c.name for c in CASES}


def test_scores_follow_the_intended_order(report: Report) -> None:
    assert report.rho("overall") >= 0.9
    for dimension in DIMENSIONS:
        assert report.rho(dimension) >= 0.85, dimension


def test_no_gaming_variant_pays(report: Report) -> None:
    for name, gain in report.gains():
        assert gain["overall"] <= 3.0, (name, gain)
        for dimension in DIMENSIONS:
            assert gain[dimension] <= 5.0, (name, dimension, gain)


def test_never_testing_costs_and_lowers_confidence(report: Report) -> None:
    gamed = report.outcomes["gaming/never-test"].evaluation.dimension("code_quality")
    honest = report.outcomes["gaming/never-test/honest"].evaluation.dimension("code_quality")
    assert gamed.score < honest.score and gamed.confidence < honest.confidence
    assert gamed.status == "insufficient_evidence"
    assert any(m.startswith("tests: no test run") for m in gamed.missing)


def test_style_and_language_variants_stay_within_two_points(report: Report) -> None:
    gaps = report.style_gaps()
    assert len(gaps) >= 8
    for name, gap in gaps:
        assert abs(gap) <= 2.0, (name, gap)


def test_identity_fields_change_nothing(report: Report) -> None:
    changes = report.identity_changes()
    assert changes and not any(changed for _, changed in changes), changes


def test_every_evidence_item_cites_a_real_event(report: Report) -> None:
    assert report.bad_evidence() == []
    assert all(d.evidence for o in report.outcomes.values() for d in o.evaluation.dimensions
               if d.breakdown)


def test_impossible_counts_are_refused_at_the_contract_and_never_scored(report: Report) -> None:
    outcome = report.outcomes["gaming/impossible-counts"]
    assert outcome.refused is not None and "exceeds total" in outcome.refused
    assert outcome.evaluation.has_flag("inconsistent_test_run")
    assert report.outcomes["gaming/reversed-order"].evaluation.has_flag("events_out_of_order")
    assert report.outcomes["gaming/before-start"].evaluation.has_flag("events_outside_session")


def test_spearman_matches_hand_computed_values() -> None:
    assert spearman([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2], [1, 2, 3]) == pytest.approx(0.8660254)
    assert spearman([5, 5], [1, 2]) == 0.0
