"""AI collaboration (20% by default): how well the candidate worked with the assistant.

One method, ``interaction``, from four parts (0-100):

* focus (30%): the mean focus of the prompts (:mod:`assess.evaluation.prompts`): do
  they name this session's code, failures and output. An empty prompt scores 0.
* productive (20%): of the prompts asked while the suite was failing, the share
  followed by an edit and then a full run with more tests passing. Progress is hard
  to fake: only a change that makes a failing test pass counts.
* verification (30%): each AI change (recognised by content, whatever ``trigger``
  says: :mod:`assess.evaluation.aicode`) checked by a full run before the next AI
  change: improved or all passing 1, unchanged 0.4, a regression or never checked 0;
  with no earlier full run to compare with, the share of tests it left passing.
* reliance (20%): the AI-written share of the final code, best at 30-50%
  (:func:`~assess.evaluation.methods.dependency_score`).

Parts without evidence are left out of the method (and named as gaps). A session in
which the assistant was never used has no method: collaboration was not shown, so
the dimension gets no credit for it and says so.
"""

from __future__ import annotations

from assess.evaluation.aicode import AiChange, Authorship, authorship
from assess.evaluation.evidence import make_evidence
from assess.evaluation.methods import (
    DimensionDraft,
    MethodScore,
    Missing,
    clamp,
    dependency_score,
    weighted_mean,
)
from assess.evaluation.prompts import rated_turns
from assess.evaluation.result import Evidence
from assess.evaluation.session import SessionView, TestRunFact
from assess.recording import RecordedEvent

__all__ = ["interaction_method", "score_ai_collaboration"]

_UNCHANGED = 0.4
_MAX_OUTCOME_EVIDENCE = 4


def score_ai_collaboration(view: SessionView) -> DimensionDraft:
    """The AI-collaboration dimension's deterministic method."""
    return DimensionDraft.of("ai_collaboration", [interaction_method(view)])


def interaction_method(view: SessionView) -> MethodScore | Missing:
    """Score from focus, productive prompts, verification and reliance (module docstring)."""
    authors = authorship(view)
    changes = _ai_change_events(view, authors)
    if not view.turns and not changes:
        return Missing("interaction", "the assistant was never used", True)
    evidence: list[Evidence] = []
    parts = {"focus": _focus(view, evidence), "productive": _productive(view, evidence),
             "verification": _verification(view, changes, evidence),
             "reliance": _reliance(view, authors, evidence)}
    weights = {"focus": 0.30, "productive": 0.20, "verification": 0.30, "reliance": 0.20}
    score = weighted_mean([(value, weights[name]) for name, value in parts.items()])
    gaps = tuple(f"no evidence for {name}" for name, value in parts.items() if value is None)
    n = len(view.turns) + len(changes)
    return MethodScore("interaction", clamp(score or 0.0), 0.85 * n / (n + 4.0),
                       tuple(evidence), gaps)


def _ai_change_events(view: SessionView, authors: Authorship) -> list[RecordedEvent]:
    """Changes that are mostly the AI's; without any code change, turns that edited files."""
    if view.changes:
        return [c.edit.change.event for c in authors.ai_changes()]
    return [t.event for t in view.turns if t.files_modified]


def _focus(view: SessionView, evidence: list[Evidence]) -> float | None:
    rated = rated_turns(view)
    if not rated:
        return None
    best = max(rated, key=lambda pair: pair[1].focus)
    worst = min(rated, key=lambda pair: pair[1].focus)
    for turn, quality in (best, worst) if best is not worst else (best,):
        evidence.append(make_evidence(
            turn.event, "ai_interaction",
            f"Prompt focus {quality.focus:.0f}/100 ({quality.references} references to the "
            f"session, {quality.on_target} on target)", snippet=turn.message or None,
            value=quality.focus))
    return sum(q.focus for _, q in rated) / len(rated)


def _latest_full(view: SessionView, seq: int) -> TestRunFact | None:
    earlier = [r for r in view.full_runs if r.event.seq < seq]
    return earlier[-1] if earlier else None


def _productive(view: SessionView, evidence: list[Evidence]) -> float | None:
    """Share of prompts asked while failing that were followed by an edit and more passes."""
    edited = sorted(c.event.seq for c in view.changes)
    asked = productive = 0
    for turn in view.turns:
        seq = turn.event.seq
        before = _latest_full(view, seq)
        if before is None or before.all_pass:
            continue
        asked += 1
        after = next((r for r in view.full_runs if r.event.seq > seq), None)
        if after is None or not any(seq < s < after.event.seq for s in edited):
            continue
        if after.passed > before.passed:
            productive += 1
            evidence.append(make_evidence(
                turn.event, "ai_interaction",
                f"Prompt followed by a change that made tests pass ({before.passed} -> "
                f"{after.passed} of {after.total})", snippet=turn.message or None))
    return 100.0 * productive / asked if asked else None


def _verification(view: SessionView, changes: list[RecordedEvent],
                  evidence: list[Evidence]) -> float | None:
    """Mean outcome of the AI changes: checked by a full run before the next AI change."""
    if not changes:
        return None
    seqs = [c.seq for c in changes]
    total = 0.0
    for index, change in enumerate(changes):
        limit = seqs[index + 1] if index + 1 < len(seqs) else None
        before = _latest_full(view, change.seq)
        after = next((r for r in view.full_runs if r.event.seq > change.seq
                      and (limit is None or r.event.seq < limit)), None)
        value, label, anchor = _outcome(before, after, change)
        total += value
        if len(evidence) < _MAX_OUTCOME_EVIDENCE + 2:
            evidence.append(make_evidence(anchor, "test_result" if after else "code_snippet",
                                          label, value=value))
    return 100.0 * total / len(changes)


def _outcome(before: TestRunFact | None, after: TestRunFact | None,
             change: RecordedEvent) -> tuple[float, str, RecordedEvent]:
    if after is None:
        return 0.0, "AI change never checked by a test run before the next one", change
    if before is None:  # no earlier run to compare with: judged by where it left the tests
        share = after.passed / after.total
        return share, (f"AI change checked (no earlier full run): {after.passed}/"
                       f"{after.total} passing"), after.event
    base = before.passed
    if after.all_pass or after.passed > base:
        return 1.0, "AI change checked: followed by progress", after.event
    if after.passed < base:
        return 0.0, "blind acceptance: AI change followed by a regression", after.event
    return _UNCHANGED, "AI change checked: tests unchanged", after.event


def _reliance(view: SessionView, authors: Authorship, evidence: list[Evidence]) -> float | None:
    share = authors.share
    if share is None:
        return None
    evidence.append(make_evidence(
        view.complete, "metric",
        f"AI-written share of the final code (%): {authors.final_ai_lines} of "
        f"{authors.final_lines} lines, recognised by content and trigger", value=100.0 * share))
    unmarked = [c for c in authors.changes if c.by_content]
    if unmarked:
        evidence.append(_unmarked_evidence(max(unmarked, key=lambda c: c.by_content)))
    return dependency_score(100.0 * share)


def _unmarked_evidence(change: AiChange) -> Evidence:
    event = change.edit.change.event
    source = f" at {change.source.event_id}" if change.source is not None else ""
    return make_evidence(
        event, "code_snippet",
        f"{change.by_content} of {change.lines} new lines match an earlier AI reply{source} "
        f"though the change is marked {change.edit.change.trigger!r}",
        value=100.0 * change.share)
