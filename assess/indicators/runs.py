"""Test-run history of one session: failure rate, progress, repeated failures, partial credit.

:class:`RunTrack` is immutable and bounded (counters, the latest run, at most
``max_names`` failing-test names). Rules, all per run of the candidate's tests:

* **failure rate** = sum of ``failed`` / sum of ``total`` over all runs (None before any
  run with ``total > 0``), capped at 1.
* **progress**: a run passes more tests than any earlier run since the current question
  started (``best_passed``).
* **repeated failure streak**: the number of consecutive runs failing the same tests.
  When the run names its failing tests (``failingTests``) and so did the streak so far,
  the streak continues while the names it shares with the streak are non-empty (the
  streak keeps only the shared names); named runs otherwise start a streak of 1. When
  names are missing, the streak continues when ``failed`` equals the previous run's and
  no passes were gained (``passed <= previous passed``). A run with no failures ends it.
* **partial credit** for an answer without ``isCorrect``: the latest run with
  ``total > 0``, if it happened at or after the question started and was not tagged
  with a different question id, scores ``passed / total``; otherwise there is no score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assess.indicators.records import updated

__all__ = [
    "LatestRun",
    "RunTrack",
    "failure_rate",
    "partial_credit",
    "record_run",
    "start_question",
]

#: ``(at, question_id, passed, total)``: epoch seconds, optional question tag, counts.
LatestRun = tuple[float, str | None, int, int]


@dataclass(frozen=True, slots=True)
class RunTrack:
    """Counters over a session's test runs (see the module docstring for the rules)."""

    runs: int = 0
    passed: int = 0
    failed: int = 0
    total: int = 0
    best_passed: int = 0
    last_passed: int = 0
    last_failed: int = 0
    streak: int = 0
    failing: tuple[str, ...] = ()
    latest: LatestRun | None = None


def _streak(
    track: RunTrack, passed: int, failed: int, names: Sequence[str], max_names: int
) -> tuple[int, tuple[str, ...]]:
    """The repeated-failure streak and its shared failing names after one run."""
    if failed == 0:
        return 0, ()
    if names:
        current = sorted(set(names))[:max_names]
        shared = tuple(sorted(set(current) & set(track.failing)))
        if track.streak and shared:
            return track.streak + 1, shared
        return 1, tuple(current)
    same = track.streak > 0 and failed == track.last_failed and passed <= track.last_passed
    return (track.streak + 1 if same else 1), ()


def record_run(
    track: RunTrack,
    *,
    at: float,
    question_id: str | None,
    passed: int,
    failed: int,
    total: int,
    failing_tests: Sequence[str] | None,
    max_names: int = 50,
) -> tuple[RunTrack, bool]:
    """Fold one test run (``at`` in epoch seconds); return the track and whether it
    made progress (more passes than any run since the question started)."""
    progressed = passed > track.best_passed
    streak, failing = _streak(track, passed, failed, failing_tests or (), max_names)
    latest = (at, question_id, passed, total) if total > 0 else track.latest
    new = updated(
        track,
        runs=track.runs + 1,
        passed=track.passed + passed,
        failed=track.failed + failed,
        total=track.total + total,
        best_passed=max(track.best_passed, passed),
        last_passed=passed,
        last_failed=failed,
        streak=streak,
        failing=failing,
        latest=latest,
    )
    return new, progressed


def start_question(track: RunTrack) -> RunTrack:
    """Reset the per-question progress baseline when a new question begins."""
    return updated(track, best_passed=0)


def failure_rate(track: RunTrack) -> float | None:
    """Failed / total tests over all runs (0-1), or None before any run with tests."""
    if track.total <= 0:
        return None
    return min(1.0, track.failed / track.total)


def partial_credit(track: RunTrack, question_id: str, since: float | None) -> float | None:
    """Score in [0, 1] from the latest test run (rule in the module docstring).

    ``since`` is when the question started (epoch seconds); None means unknown, and
    then any latest run counts.
    """
    if track.latest is None:
        return None
    at, tagged, passed, total = track.latest
    if since is not None and at < since:
        return None
    if tagged is not None and tagged != question_id:
        return None
    return min(1.0, passed / total)
