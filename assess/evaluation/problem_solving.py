"""Problem solving (25% by default): how the candidate worked towards a solution.

* ``process`` (from the recording): edit-and-test cycles (25%), progress between
  consecutive test runs with regressions counted double (40%), and the time to the
  first all-passing run relative to the session length (35%).
* ``irt`` (from the interview agent): ability theta mapped through a logistic curve
  (theta 0 logits -> 50); its reliability falls as the standard error grows.
"""

from __future__ import annotations

import math
from itertools import pairwise

from assess.evaluation.evidence import make_evidence
from assess.evaluation.inputs import InterviewSignals
from assess.evaluation.methods import DimensionDraft, MethodScore, clamp, ramp, weighted_mean
from assess.evaluation.result import Evidence
from assess.evaluation.session import SessionView, TestRunFact
from assess.recording import RecordedEvent

__all__ = ["edit_test_cycles", "irt_method", "process_method", "score_problem_solving"]

_IRT_SLOPE = 1.7  # logistic slope: close to the normal CDF of theta
_MAX_STEP_EVIDENCE = 4
_MAX_THETA = 6.0  # logits: beyond any calibrated item bank


def score_problem_solving(view: SessionView, signals: InterviewSignals | None) -> DimensionDraft:
    """The problem-solving dimension's deterministic methods."""
    methods = [m for m in (process_method(view), irt_method(view, signals)) if m is not None]
    return DimensionDraft("problem_solving", tuple(methods))


def edit_test_cycles(view: SessionView) -> int:
    """Test runs preceded by at least one code change since the previous run (or the start)."""
    cycles, edited = 0, False
    for event in view.events:
        if event.type == "code-changed":
            edited = True
        elif event.type == "test-run":
            cycles += edited
            edited = False
    return cycles


def process_method(view: SessionView) -> MethodScore | None:
    """Score from cycles, progress and time to first pass; None without test runs."""
    runs = view.test_runs
    if not runs:
        return None
    cycles = edit_test_cycles(view)
    progress, evidence = _progress(runs)
    first_pass, pass_evidence = _first_pass(view)
    evidence.extend(pass_evidence)
    evidence.append(make_evidence(runs[-1].event, "metric", "Edit-and-test cycles",
                                  value=float(cycles)))
    score = weighted_mean([(ramp(float(cycles), 0.0, 0.0, 3.0, 100.0), 0.25),
                           (progress, 0.40), (first_pass, 0.35)])
    return MethodScore("process", score or 0.0, len(runs) / (len(runs) + 2.0), tuple(evidence))


def _progress(runs: tuple[TestRunFact, ...]) -> tuple[float, list[Evidence]]:
    """0-100 from improvements and regressions between consecutive runs, with evidence."""
    evidence: list[Evidence] = []
    if len(runs) < 2:
        return 100.0 * runs[0].ratio, evidence
    improved = regressed = 0
    for before, after in pairwise(runs):
        if after.passed > before.passed:
            improved += 1
            label = "failing -> passing" if after.all_pass else "more tests passing"
        elif after.passed < before.passed:
            regressed += 1
            label = "regression: fewer tests passing"
        else:
            continue
        if len(evidence) < _MAX_STEP_EVIDENCE:
            evidence.append(make_evidence(
                after.event, "test_result",
                f"{label} ({before.passed} -> {after.passed} of {after.total})",
                value=float(after.passed - before.passed)))
    pairs = len(runs) - 1
    score = 50.0 + 50.0 * (improved - 2.0 * regressed) / pairs
    bonus = 20.0 if runs[-1].all_pass else 0.0
    return clamp(score + bonus), evidence


def _first_pass(view: SessionView) -> tuple[float, list[Evidence]]:
    """100 for passing right away, down to 30 at the end of the session; 0 if never."""
    first = next((run for run in view.test_runs if run.all_pass), None)
    if first is None:
        return 0.0, []
    seconds = view.seconds(first.event)
    share = seconds / view.duration if view.duration > 0 else 0.0
    evidence = make_evidence(first.event, "test_result",
                             "First all-passing test run (seconds since start)", value=seconds)
    return 100.0 - 70.0 * min(1.0, share), [evidence]


def irt_method(view: SessionView, signals: InterviewSignals | None) -> MethodScore | None:
    """Score from the IRT ability estimate; None when the interview agent sent no theta."""
    if signals is None or signals.theta is None or not math.isfinite(signals.theta):
        return None
    theta = clamp(signals.theta, -_MAX_THETA, _MAX_THETA)  # exp() must not overflow
    se = signals.se if signals.se is not None and math.isfinite(signals.se) else 1.0
    score = 100.0 / (1.0 + math.exp(-_IRT_SLOPE * theta))
    reliability = clamp(1.0 - se / 1.5, 0.1, 0.9)
    anchor = _irt_anchor(view)
    evidence = (
        make_evidence(anchor, "metric", "IRT ability estimate theta (logits)", value=theta),
        make_evidence(anchor, "metric", "Standard error of theta (logits)", value=se),
    )
    return MethodScore("irt", score, reliability, evidence)


def _irt_anchor(view: SessionView) -> RecordedEvent:
    """The last difficulty adjustment or answer, else the session-complete event."""
    for kind in ("adjust-difficulty", "question-answered"):
        found = [e for e in view.events if e.type == kind]
        if found:
            return found[-1]
    return view.complete
