"""Problem solving (25% by default): how the candidate worked towards a solution.

* ``process`` reads the edits *between* runs of the whole suite, not how many runs
  there were: a run with no edit since the previous one tells nothing new and is
  skipped, and runs of a subset of the tests are not comparable with the suite.
  Parts (0-100): where the work ended (last full run's passed / suite, 30%);
  progress over the cycles whose starting point is known (an edit between two full
  runs: more passing or still all passing 1, unchanged 0.3, a regression 0 and one
  more cycle's worth off, 30%); time to the first all-passing full run (100 at the
  start down to 30 at the end, 0 if never, 25%); and verification (the share of
  edits a full run checked before the next edit, 15%). Progress that could not be
  measured (no two full runs with an edit between) is moot when the suite passes in
  the end and earns nothing when it does not. Without any full run the method is missing
  and counts against the dimension: never testing cannot score better than testing.
* ``irt`` (from the interview agent): ability theta through a logistic curve
  (theta 0 logits -> 50), reliability 1 - SE^2 (SE in logits against the N(0, 1)
  prior); its band (theta +- SE through the same curve) is what it is checked
  against the process method with, and its weight grows with its reliability. It
  abstains when no question was answered or the estimate is still at the prior
  (SE >= 0.9): a prior is not a measurement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assess.evaluation.edits import edits
from assess.evaluation.evidence import make_evidence
from assess.evaluation.inputs import InterviewSignals
from assess.evaluation.methods import DimensionDraft, MethodScore, Missing, clamp, weighted_mean
from assess.evaluation.result import Evidence
from assess.evaluation.session import SessionView, TestRunFact
from assess.recording import RecordedEvent

__all__ = ["Cycle", "cycles", "irt_method", "process_method", "score_problem_solving"]

ABILITY = "ability"  # process and IRT both estimate it: their spread is a disagreement
_IRT_SLOPE = 1.7  # logistic slope: close to the normal CDF of theta
_MAX_THETA = 6.0  # logits: beyond any calibrated item bank
_PRIOR_SE = 0.9  # an SE this close to the prior's 1.0 means the answers said little
_UNCHANGED = 0.3
_MAX_STEP_EVIDENCE = 4


@dataclass(frozen=True, slots=True)
class Cycle:
    """Edits followed by a full run; ``before`` is the previous full run (None for the first)."""

    before: TestRunFact | None
    after: TestRunFact
    edited_lines: int


def score_problem_solving(view: SessionView, signals: InterviewSignals | None) -> DimensionDraft:
    """The problem-solving dimension's deterministic methods."""
    return DimensionDraft.of("problem_solving", [process_method(view), irt_method(view, signals)])


def cycles(view: SessionView) -> list[Cycle]:
    """Full runs preceded by at least one edit since the previous full run (or the start)."""
    out: list[Cycle] = []
    previous: TestRunFact | None = None
    changes = [(e.change.event.seq, e.size) for e in edits(view) if e.size]
    for run in view.full_runs:
        low = previous.event.seq if previous is not None else -1
        edited = sum(size for seq, size in changes if low < seq < run.event.seq)
        if edited:
            out.append(Cycle(previous, run, edited))
        previous = run
    return out


def process_method(view: SessionView) -> MethodScore | Missing:
    """Score from the cycles between full runs (see the module docstring)."""
    runs = view.full_runs
    if not runs:
        return Missing("process", "no test run: no edit-and-test cycle to read", True)
    size = view.suite_size
    found = cycles(view)
    measured, evidence = _progress(found)
    progress = _unshown_progress(runs, measured)
    solved, solved_evidence = _first_pass(view, runs, size)
    verified = _verified(view)
    reached = 100.0 * runs[-1].passed / size
    score = weighted_mean([(reached, 0.30), (progress, 0.30), (solved, 0.25), (verified, 0.15)])
    evidence += solved_evidence
    evidence.append(make_evidence(runs[-1].event, "metric",
                                  "Edit-and-test cycles (edits followed by a full test run)",
                                  value=float(len(found))))
    gaps = () if measured is not None else (
        "no two full runs with an edit between: no progress to read",)
    return MethodScore("process", clamp(score or 0.0), 0.85 * len(found) / (len(found) + 2.0),
                       tuple(evidence), gaps, facet=ABILITY)


def _progress(found: list[Cycle]) -> tuple[float | None, list[Evidence]]:
    """0-100 over cycles with a known start; None when there is none."""
    known = [c for c in found if c.before is not None]
    evidence: list[Evidence] = []
    total = 0.0
    for cycle in known:
        before, after = cycle.before, cycle.after
        if before is None:
            continue
        if after.passed > before.passed or (after.all_pass and before.all_pass):
            value, label = 1.0, ("failing -> passing" if after.all_pass else "more tests passing")
        elif after.passed < before.passed:
            value, label = -1.0, "regression: fewer tests passing"
        else:
            value, label = _UNCHANGED, "edits without progress"
        total += value
        if len(evidence) < _MAX_STEP_EVIDENCE:
            evidence.append(make_evidence(
                after.event, "test_result",
                f"{label} ({before.passed} -> {after.passed} of {after.total}, "
                f"{cycle.edited_lines} lines edited)", value=float(after.passed - before.passed)))
    if not known:
        return None, evidence
    return clamp(100.0 * total / len(known)), evidence


def _unshown_progress(runs: tuple[TestRunFact, ...], progress: float | None) -> float | None:
    """Progress without a measured cycle: moot once solved, otherwise not shown (no credit)."""
    if progress is not None:
        return progress
    return None if runs[-1].all_pass else 0.0


def _first_pass(view: SessionView, runs: tuple[TestRunFact, ...],
                size: int) -> tuple[float, list[Evidence]]:
    """100 for the whole suite passing right away, down to 30 at the end; 0 if never."""
    first = next((run for run in runs if run.passed == size and run.failed == 0), None)
    if first is None:
        return 0.0, []
    seconds = view.seconds(first.event)
    share = seconds / view.duration if view.duration > 0 else 1.0
    evidence = make_evidence(first.event, "test_result",
                             "First run with the whole suite passing (seconds since start)",
                             value=seconds)
    return 100.0 - 70.0 * clamp(share, 0.0, 1.0), [evidence]


def _verified(view: SessionView) -> float | None:
    """Share (0-100) of edits checked by a full run before the next edit; None without edits."""
    marks = sorted([(e.change.event.seq, "edit") for e in edits(view) if e.size]
                   + [(r.event.seq, "run") for r in view.full_runs])
    kinds = [kind for _, kind in marks]
    checked = sum(1 for k, after in zip(kinds, [*kinds[1:], ""], strict=True)
                  if k == "edit" and after == "run")
    made = kinds.count("edit")
    return 100.0 * checked / made if made else None


def irt_method(view: SessionView, signals: InterviewSignals | None) -> MethodScore | Missing:
    """Score from the IRT ability estimate; abstains without answers or off-prior evidence."""
    answered = sum(1 for e in view.events if e.type == "question-answered")
    if answered == 0:
        return Missing("irt", "no question was answered", False)
    theta = None if signals is None else signals.theta
    if theta is None or not math.isfinite(theta):
        return Missing("irt", "no ability estimate from the interview agent", False)
    se = signals.se if signals is not None and signals.se is not None else None
    if se is None or not math.isfinite(se) or not 0.0 <= se < _PRIOR_SE:
        return Missing("irt", "the ability estimate is still at the prior", False)
    theta = clamp(theta, -_MAX_THETA, _MAX_THETA)  # exp() must not overflow
    score = _irt_score(theta)
    band = (_irt_score(theta - se), _irt_score(theta + se))
    anchor = _irt_anchor(view)
    evidence = (
        make_evidence(anchor, "metric", f"IRT ability estimate theta (logits) from {answered} "
                                        "answers", value=theta),
        make_evidence(anchor, "metric", "Standard error of theta (logits)", value=se),
    )
    return MethodScore("irt", score, clamp(1.0 - se * se, 0.0, 0.9), evidence, facet=ABILITY,
                       band=band, by_evidence=True)


def _irt_score(theta: float) -> float:
    """0-100 from theta (logits) through the logistic curve; 50 at theta 0."""
    return 100.0 / (1.0 + math.exp(-_IRT_SLOPE * clamp(theta, -_MAX_THETA - 1, _MAX_THETA + 1)))


def _irt_anchor(view: SessionView) -> RecordedEvent:
    """The last difficulty adjustment or answer, else the session-complete event."""
    for kind in ("adjust-difficulty", "question-answered"):
        found = [e for e in view.events if e.type == kind]
        if found:
            return found[-1]
    return view.complete
