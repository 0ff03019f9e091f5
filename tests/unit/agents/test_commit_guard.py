"""The commit guard: gaps are rejected and sought back, commits never pass storage."""

from __future__ import annotations

from typing import NamedTuple

from agents.commit_guard import MAX_SEEKS, CommitGuard, install_commit_guard


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


def test_a_rewind_expects_the_batch_again_and_rejects_stale_events_quietly() -> None:
    guard = CommitGuard(anchor=lambda tp: 0)
    guard.admit([(A, 0), (A, 1), (A, 2)])  # admitted, then the batch failed
    assert guard.rewind([(A, 0), (A, 1), (A, 2)]) == {A: 0}
    # Events fetched before the seek arrive first: rejected (and sought back again,
    # a re-fetch), never taken for a gap to accept however often they come.
    for _ in range(MAX_SEEKS + 2):
        accepted, seeks = guard.admit([(A, 3), (A, 4)])
        assert accepted == [False, False] and seeks == {A: 0}
    accepted, seeks = guard.admit([(A, 0), (A, 1), (A, 2), (A, 3)])
    assert accepted == [True] * 4 and seeks == {}


def test_a_rewind_of_events_never_admitted_keeps_the_earlier_expected_offset() -> None:
    guard = CommitGuard(anchor=lambda tp: 0)
    guard.admit([(B, 0)])
    assert guard.rewind([(B, 3), (B, 4)]) == {B: 1}  # 1 and 2 were never seen either


def test_repeated_rewinds_never_turn_a_failing_batch_into_an_accepted_gap() -> None:
    """A crash loop on one batch must not, after a few seeks, skip the batch."""
    guard = CommitGuard(anchor=lambda tp: 0)
    for _ in range(MAX_SEEKS * 2):
        guard.admit([(A, 0), (A, 1)])
        guard.rewind([(A, 0), (A, 1)])
        accepted, _ = guard.admit([(A, 2)])  # a stale event after the failed batch
        assert accepted == [False]
    assert guard.clamp({A: 3}) == {}


class _Consumer:
    def __init__(self) -> None:
        self.sent: list[dict[TP, int]] = []

    async def _commit(self, offsets: dict[TP, int]) -> bool:
        self.sent.append(dict(offsets))
        return True


class _App:
    def __init__(self) -> None:
        self.consumer = _Consumer()


def test_the_clamp_is_applied_to_the_mapping_faust_records_as_committed() -> None:
    """Faust updates ``_committed_offset`` from the mapping it passed to ``_commit``:
    unclamped, it would think unstored offsets committed and ignore their acks later."""
    import asyncio

    app = _App()
    raw_commit = app.consumer._commit
    guard = CommitGuard()
    install_commit_guard(app, guard)
    guard.admit([(A, 0), (A, 1)])
    guard.stored({A})
    offsets = {A: 9, B: 4}  # B never stored here: dropped
    assert asyncio.run(app.consumer._commit(offsets)) is True
    assert offsets == {A: 2}
    assert app.consumer.sent == [{A: 2}]
    nothing = {B: 4}
    assert asyncio.run(app.consumer._commit(nothing)) is False and nothing == {}
    assert raw_commit is not app.consumer._commit
