"""The commit guard: gaps are rejected and sought back, commits never pass storage."""

from __future__ import annotations

from typing import NamedTuple

from agents.commit_guard import MAX_SEEKS, CommitGuard


class TP(NamedTuple):
    topic: str
    partition: int


A, B = TP("interview", 0), TP("interview", 1)


def test_contiguous_batches_advance_the_commit() -> None:
    guard = CommitGuard()
    accepted, seeks = guard.admit([(A, 10), (A, 11), (B, 0), (A, 12)])
    assert accepted == [True, True, True, True] and seeks == {}
    assert guard.clamp({A: 13, B: 1}) == {}  # nothing stored yet
    guard.stored({A, B})
    assert guard.clamp({A: 13, B: 5}) == {A: 13, B: 1}


def test_a_gap_is_rejected_and_sought_back_until_the_missing_offset_arrives() -> None:
    guard = CommitGuard(anchor=lambda tp: 5)
    accepted, seeks = guard.admit([(A, 5), (A, 6), (A, 9), (A, 10)])
    assert accepted == [True, True, False, False]
    assert seeks == {A: 7}
    guard.stored({A})
    assert guard.clamp({A: 11}) == {A: 7}
    accepted, seeks = guard.admit([(A, 11), (A, 7), (A, 8), (A, 9)])
    assert accepted == [False, True, True, True] and seeks == {}
    guard.stored({A})
    assert guard.clamp({A: 11}) == {A: 10}


def test_anchor_catches_a_gap_before_the_first_event() -> None:
    guard = CommitGuard(anchor=lambda tp: 100)
    accepted, seeks = guard.admit([(A, 103)])
    assert accepted == [False] and seeks == {A: 100}


def test_a_gap_that_never_fills_is_accepted_after_repeated_seeks() -> None:
    guard = CommitGuard(anchor=lambda tp: 0)
    for _ in range(MAX_SEEKS):
        accepted, seeks = guard.admit([(A, 3)])
        assert accepted == [False] and seeks == {A: 0}
        guard.seeking.discard(A)
    accepted, seeks = guard.admit([(A, 3)])
    assert accepted == [True] and seeks == {}


def test_a_seek_is_repeated_while_records_past_the_gap_keep_arriving() -> None:
    """Faust delivers the rest of a fetch made before the seek and moves its read
    offset past it; the re-read records below that offset are then dropped. The
    guard seeks again for as long as it sees records past the gap, until the
    expected offset arrives."""
    guard = CommitGuard(anchor=lambda tp: 5)
    accepted, seeks = guard.admit([(A, 8), (A, 9)])
    assert accepted == [False, False] and seeks == {A: 5}
    accepted, seeks = guard.admit([(A, 10), (A, 11)])  # stale rest of the old fetch
    assert accepted == [False, False] and seeks == {A: 5}
    accepted, seeks = guard.admit([(A, 12), (A, 5), (A, 6)])  # the seek took: no new one
    assert accepted == [False, True, True] and seeks == {}
    accepted, seeks = guard.admit([(A, 7)])
    assert accepted == [True] and seeks == {}
