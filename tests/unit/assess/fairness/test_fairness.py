"""Four-fifths-rule report on a small hand-computed example."""

from __future__ import annotations

import json

import pytest

from assess.fairness import InvalidLabels, fairness_report, load_group_labels

SCORES = {"a1": 80, "a2": 75, "a3": 60, "a4": 90,
          "b1": 72, "b2": 50, "b3": 65, "b4": 40,
          "c1": 71, "c2": 69, "c3": 95,
          "x9": 99}
LABELS_CSV = """candidateId,group,cohort
a1,A,2024
a2,A,2024
a3,A,2024
a4,A,2024
b1,B,2024
b2,B,2024
b3,B,2024
b4,B,2024
c1,C,2024
c2,C,2024
c3,C,2024
zz,C,2024
"""


def test_hand_computed_rates_and_ratios() -> None:
    report = fairness_report(SCORES, load_group_labels(LABELS_CSV), threshold=70)
    # selected (>= 70): A 3/4, B 1/4, C 2/3 -> A is the reference
    a, b, c = report.group("A"), report.group("B"), report.group("C")
    assert (a.count, a.selected, a.selection_rate) == (4, 3, 0.75)
    assert (b.count, b.selected, b.selection_rate) == (4, 1, 0.25)
    assert (c.count, c.selected) == (3, 2)
    assert a.impact_ratio == 1.0
    assert b.impact_ratio == pytest.approx(1 / 3)
    assert c.impact_ratio == pytest.approx((2 / 3) / 0.75)  # 0.888..., passes
    assert report.reference_group == "A"
    assert report.flagged == ("B",)
    assert b.adverse_impact and not c.adverse_impact
    # median of the 11 labelled scores: 40 50 60 65 69 71 72 75 80 90 95 -> 71
    assert report.median == 71
    assert (a.above_median, b.above_median, c.above_median) == (3, 1, 1)
    assert c.scoring_rate_ratio == pytest.approx((1 / 3) / 0.75)
    assert c.scoring_gap and b.scoring_gap and not a.scoring_gap
    assert report.unlabelled == 1  # x9 has no label; zz has no score


def test_report_to_dict_is_json_ready() -> None:
    data = json.loads(json.dumps(fairness_report(SCORES, load_group_labels(LABELS_CSV)).to_dict()))
    assert data["flagged"] == ["B"]
    assert [g["group"] for g in data["groups"]] == ["A", "B", "C"]
    assert data["groups"][1]["impactRatio"] == pytest.approx(1 / 3)
    assert set(data) == {"threshold", "minRatio", "median", "referenceGroup", "unlabelled",
                         "flagged", "groups"}


def test_nobody_selected_gives_no_ratio() -> None:
    report = fairness_report({"a": 10, "b": 20}, {"a": "A", "b": "B"}, threshold=70)
    assert report.group("A").impact_ratio is None
    assert report.flagged == ()


def test_exactly_four_fifths_is_not_flagged() -> None:
    scores = {f"a{i}": 90 if i < 5 else 10 for i in range(5)}
    scores |= {f"b{i}": 90 if i < 4 else 10 for i in range(5)}
    labels = {c: c[0].upper() for c in scores}
    report = fairness_report(scores, labels, threshold=70)
    assert report.group("B").impact_ratio == pytest.approx(0.8)
    assert report.flagged == ()


def test_label_loading_errors_and_cleanup() -> None:
    assert load_group_labels("\ufeffcandidateId, group\n c1 , A \n,B\nc2,\n") == {"c1": "A"}
    with pytest.raises(InvalidLabels, match="header"):
        load_group_labels("id,group\nc1,A\n")
    with pytest.raises(InvalidLabels, match="two groups"):
        load_group_labels("candidateId,group\nc1,A\nc1,B\n")
    assert load_group_labels("candidateId,group\nc1,A\nc1,A\n") == {"c1": "A"}
