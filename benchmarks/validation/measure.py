"""Scoring the validation set exactly as ``interviewlm evaluate --offline`` does, and the figures.

Each case goes through the analyst command's own path: the events are validated by
the wire contract and turned into a recording, the interview signals come from the
interview agent's reducer, ruff runs on the final code, and the evaluation service
scores it with the default rubric (40/25/20/15). A case the contract refuses is
recorded as refused and then scored from its raw events, to show the domain would
not score the bad event either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from agents.evaluation_service import Review, redact_terms, score
from assess.evaluation import DEFAULT_RUBRIC, DIMENSIONS, Evaluation, final_code
from assess.recording import RecordedEvent
from benchmarks.validation.catalogue import CASES, Case
from interviewlm.commands.evaluate import recording_from_messages, signals_from_events
from streams.codec import decode
from streams.errors import ContractError

__all__ = ["Outcome", "Report", "evaluate_case", "run", "spearman"]

GROUPS = ("overall", *DIMENSIONS)


@dataclass(frozen=True)
class Outcome:
    """One scored case: the evaluation, its recording, and why the contract refused it."""

    case: Case
    evaluation: Evaluation
    recording: list[RecordedEvent]
    refused: str | None

    def score(self, group: str) -> float:
        """The overall score, or one dimension's."""
        if group == "overall":
            return self.evaluation.overall_score
        return self.evaluation.dimension(group).score


def _raw(events: list[dict[str, Any]]) -> list[RecordedEvent]:
    from datetime import datetime

    return [RecordedEvent(f"recording:0:{i}", i, e["type"],
                          datetime.fromisoformat(e["data"]["timestamp"].replace("Z", "+00:00")),
                          dict(e["data"])) for i, e in enumerate(events)]


def _decodes(event: dict[str, Any]) -> bool:
    try:
        decode(json.dumps(event).encode())
    except ContractError:
        return False
    return True


def evaluate_case(case: Case) -> Outcome:
    """Score one case through the CLI's path (see the module docstring)."""
    from adapters.analysis import run_static_analysis

    refused = None
    try:
        recording = recording_from_messages(case.events)
        signals = signals_from_events(case.events)
    except ValueError as exc:
        refused = str(exc)
        recording = _raw(case.events)
        signals = signals_from_events([e for e in case.events if _decodes(e)])
    static = run_static_analysis(final_code(recording))
    scored = score(recording, rubric=DEFAULT_RUBRIC, signals=signals, static=static,
                   review=Review("offline"), redact=redact_terms(recording))
    return Outcome(case, scored.evaluation, recording, refused)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties); 0 when either side is constant."""
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx > 0 and vy > 0 else 0.0


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


@dataclass(frozen=True)
class Report:
    """The figures the done-when criteria are checked against."""

    outcomes: dict[str, Outcome]

    def ladder(self, group: str) -> list[Outcome]:
        return sorted((o for o in self.outcomes.values() if o.case.group == group),
                      key=lambda o: o.case.rank)

    def rho(self, group: str) -> float:
        """Rank correlation of the group's score with the intended order on its ladder."""
        rungs = self.ladder(group)
        return spearman([o.score(group) for o in rungs], [-float(o.case.rank) for o in rungs])

    def gains(self) -> list[tuple[str, dict[str, float]]]:
        """Per gaming variant: score minus its honest twin's, overall and per dimension."""
        out = []
        for outcome in self.outcomes.values():
            if outcome.case.group == "gaming" and outcome.case.twin:
                twin = self.outcomes[outcome.case.twin]
                out.append((outcome.case.name, {g: outcome.score(g) - twin.score(g)
                                                for g in GROUPS}))
        return out

    def style_gaps(self) -> list[tuple[str, float]]:
        """Per style or language variant: its overall score minus its base's."""
        return [(o.case.name, o.score("overall") - self.outcomes[o.case.twin].score("overall"))
                for o in self.outcomes.values() if o.case.group == "style" and o.case.twin]

    def identity_changes(self) -> list[tuple[str, bool]]:
        """Per identity variant: whether any score, confidence, flag or method changed."""
        def key(ev: Evaluation) -> Any:
            data = ev.to_dict()
            return ({k: data[k] for k in ("overallScore", "overallConfidence", "flags",
                                          "methods", "needsReview")},
                    {n: {k: d[k] for k in ("score", "confidence", "status", "missing")}
                     for n, d in data["dimensions"].items()})
        return [(o.case.name, key(o.evaluation) != key(self.outcomes[o.case.twin].evaluation))
                for o in self.outcomes.values() if o.case.group == "identity" and o.case.twin]

    def bad_evidence(self) -> list[str]:
        """Evidence items whose event id, type or timestamp is not their recording's."""
        bad = []
        for outcome in self.outcomes.values():
            events = {e.event_id: e for e in outcome.recording}
            for dim in outcome.evaluation.dimensions:
                for item in dim.evidence:
                    event = events.get(item.event_id)
                    if (event is None or event.type != item.event_type
                            or event.timestamp != item.timestamp):
                        bad.append(f"{outcome.case.name}:{dim.name}:{item.event_id}")
        return bad


def run(cases: Iterable[Case] = CASES) -> Report:
    """Score every case."""
    return Report({case.name: evaluate_case(case) for case in cases})
