"""Adverse-impact checks on evaluation outcomes across candidate groups.

Given overall scores (candidate id -> 0-100) and group labels (candidate id ->
group), each group gets:

* ``selection_rate``: share of its candidates scoring at or above ``threshold``;
* ``impact_ratio``: its selection rate divided by the highest group's rate. Under
  the four-fifths rule a ratio below 0.8 is flagged as possible adverse impact;
* ``scoring_rate``: share strictly above the median of all labelled candidates,
  and ``scoring_rate_ratio`` against the highest group (a threshold-free check).

Ratios are None when the highest rate is 0 (nobody selected, nothing to compare).
Candidates without a label are counted in ``unlabelled`` and left out. Group labels
are used only here, after scoring; the scorer never sees them.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FOUR_FIFTHS",
    "FairnessReport",
    "GroupFairness",
    "InvalidLabels",
    "fairness_report",
    "load_group_labels",
]

FOUR_FIFTHS = 0.8


class InvalidLabels(ValueError):
    """The group-label CSV lacks its columns or gives one candidate two groups."""


@dataclass(frozen=True, slots=True)
class GroupFairness:
    """One group's counts, rates (0-1) and ratios against the highest group."""

    group: str
    count: int
    selected: int
    selection_rate: float
    impact_ratio: float | None
    above_median: int
    scoring_rate: float
    scoring_rate_ratio: float | None
    adverse_impact: bool
    scoring_gap: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (camelCase keys)."""
        return {
            "group": self.group, "count": self.count, "selected": self.selected,
            "selectionRate": self.selection_rate, "impactRatio": self.impact_ratio,
            "aboveMedian": self.above_median, "scoringRate": self.scoring_rate,
            "scoringRateRatio": self.scoring_rate_ratio,
            "adverseImpact": self.adverse_impact, "scoringGap": self.scoring_gap,
        }


@dataclass(frozen=True, slots=True)
class FairnessReport:
    """Per-group results; ``flagged`` lists groups with an impact ratio under ``min_ratio``."""

    threshold: float
    min_ratio: float
    median: float | None
    reference_group: str | None
    groups: tuple[GroupFairness, ...]
    unlabelled: int

    @property
    def flagged(self) -> tuple[str, ...]:
        """Groups whose selection-rate impact ratio is below ``min_ratio``."""
        return tuple(g.group for g in self.groups if g.adverse_impact)

    def group(self, name: str) -> GroupFairness:
        """One group's result (KeyError if absent)."""
        for result in self.groups:
            if result.group == name:
                return result
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (camelCase keys)."""
        return {
            "threshold": self.threshold, "minRatio": self.min_ratio, "median": self.median,
            "referenceGroup": self.reference_group, "unlabelled": self.unlabelled,
            "flagged": list(self.flagged), "groups": [g.to_dict() for g in self.groups],
        }


def fairness_report(scores: Mapping[str, float], groups: Mapping[str, str], *,
                    threshold: float = 70.0, min_ratio: float = FOUR_FIFTHS) -> FairnessReport:
    """Selection and scoring rates per group, with four-fifths-rule flags."""
    members: dict[str, list[float]] = {}
    for candidate, score in scores.items():
        label = groups.get(candidate)
        if label is not None:
            members.setdefault(label, []).append(float(score))
    labelled = [s for values in members.values() for s in values]
    median = statistics.median(labelled) if labelled else None
    selection = {g: sum(s >= threshold for s in v) for g, v in members.items()}
    above = {g: sum(median is not None and s > median for s in v) for g, v in members.items()}
    best_selection = max((selection[g] / len(v) for g, v in members.items()), default=0.0)
    best_scoring = max((above[g] / len(v) for g, v in members.items()), default=0.0)
    results = []
    for name in sorted(members):
        count = len(members[name])
        rate, scoring = selection[name] / count, above[name] / count
        impact = rate / best_selection if best_selection > 0 else None
        ratio = scoring / best_scoring if best_scoring > 0 else None
        results.append(GroupFairness(
            group=name, count=count, selected=selection[name], selection_rate=rate,
            impact_ratio=impact, above_median=above[name], scoring_rate=scoring,
            scoring_rate_ratio=ratio, adverse_impact=impact is not None and impact < min_ratio,
            scoring_gap=ratio is not None and ratio < min_ratio))
    reference = max(results, key=lambda g: (g.selection_rate, g.count), default=None)
    return FairnessReport(
        threshold=threshold, min_ratio=min_ratio, median=median,
        reference_group=reference.group if reference is not None else None,
        groups=tuple(results), unlabelled=sum(1 for c in scores if c not in groups))


def load_group_labels(csv_text: str) -> dict[str, str]:
    """``candidateId -> group`` from CSV text with header columns ``candidateId,group``.

    Extra columns are ignored; rows with an empty id or group are skipped; the same
    candidate in two different groups is an error.
    """
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    fields = {name.strip() for name in reader.fieldnames or []}
    if not {"candidateId", "group"} <= fields:
        raise InvalidLabels("the CSV needs the header columns candidateId and group")
    labels: dict[str, str] = {}
    for row in reader:
        clean = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                 if isinstance(v, str) or v is None}
        candidate, group = clean.get("candidateId", ""), clean.get("group", "")
        if not candidate or not group:
            continue
        if labels.get(candidate, group) != group:
            raise InvalidLabels(f"candidate listed in two groups (line {reader.line_num})")
        labels[candidate] = group
    return labels
