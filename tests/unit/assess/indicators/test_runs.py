"""Test-run history: failure rate, progress, repeated-failure streaks, partial credit."""

from __future__ import annotations

from collections.abc import Sequence

from assess.indicators import RunTrack, failure_rate, partial_credit, record_run, start_question


def _run(
    track: RunTrack,
    passed: int,
    failed: int,
    *,
    at: float = 0.0,
    question: str | None = None,
    names: Sequence[str] | None = None,
    total: int | None = None,
) -> tuple[RunTrack, bool]:
    return record_run(
        track,
        at=at,
        question_id=question,
        passed=passed,
        failed=failed,
        total=passed + failed if total is None else total,
        failing_tests=names,
    )


def test_failure_rate_sums_over_runs() -> None:
    track = RunTrack()
    assert failure_rate(track) is None
    track, _ = _run(track, 1, 3)
    track, _ = _run(track, 3, 1)
    assert failure_rate(track) == 0.5
    track, _ = _run(track, 0, 0)  # a run with no tests changes nothing in the rate
    assert failure_rate(track) == 0.5 and track.runs == 3


def test_progress_means_more_passes_than_before_in_this_question() -> None:
    track, progressed = _run(RunTrack(), 2, 3)
    assert progressed
    track, progressed = _run(track, 2, 3)
    assert not progressed
    track, progressed = _run(track, 1, 4)
    assert not progressed
    track = start_question(track)
    track, progressed = _run(track, 1, 4)
    assert progressed


def test_streak_by_names_keeps_only_shared_failures() -> None:
    track, _ = _run(RunTrack(), 1, 2, names=["test_a", "test_b"])
    track, _ = _run(track, 1, 2, names=["test_b", "test_c"])
    assert (track.streak, track.failing) == (2, ("test_b",))
    track, _ = _run(track, 2, 1, names=["test_b"])
    assert (track.streak, track.failing) == (3, ("test_b",))
    track, _ = _run(track, 2, 1, names=["test_d"])
    assert (track.streak, track.failing) == (1, ("test_d",))
    track, _ = _run(track, 3, 0, names=[])
    assert (track.streak, track.failing) == (0, ())


def test_streak_by_counts_needs_same_failures_and_no_passes_gained() -> None:
    track, _ = _run(RunTrack(), 2, 3)
    track, _ = _run(track, 2, 3)
    track, _ = _run(track, 1, 3)  # fewer passes, same failed count: still stuck
    assert track.streak == 3
    track, _ = _run(track, 2, 3)  # a pass gained
    assert track.streak == 1
    track, _ = _run(track, 2, 2)  # a different failed count
    assert track.streak == 1


def test_failing_names_are_capped() -> None:
    names = [f"test_{i:03d}" for i in range(80)]
    track, _ = record_run(
        RunTrack(),
        at=0,
        question_id=None,
        passed=0,
        failed=80,
        total=80,
        failing_tests=names,
        max_names=10,
    )
    assert track.failing == tuple(names[:10])


def test_partial_credit_rule() -> None:
    assert partial_credit(RunTrack(), "q1", since=0.0) is None
    track, _ = _run(RunTrack(), 3, 1, at=100.0)
    assert partial_credit(track, "q1", since=50.0) == 0.75
    assert partial_credit(track, "q1", since=None) == 0.75
    assert partial_credit(track, "q1", since=150.0) is None  # before the question started
    tagged, _ = _run(RunTrack(), 1, 1, at=100.0, question="q2")
    assert partial_credit(tagged, "q1", since=0.0) is None  # another question's run
    assert partial_credit(tagged, "q2", since=0.0) == 0.5
    empty, _ = _run(track, 0, 0, at=120.0)  # total 0: the earlier run stays the latest
    assert partial_credit(empty, "q1", since=50.0) == 0.75
