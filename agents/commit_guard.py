"""Process every offset, in order, and commit only what was stored.

Faust acknowledges, and so commits, messages it *skips*: while a worker stops
or rebalances, events still flowing through a stream are dropped and acked
without reaching the agent (a generation change or suspended flow control).
Committing those offsets would lose the events, and processing a later event
of the partition first would break per-session order.

The guard keeps, per partition, the next offset it expects. An event past that
offset reveals a gap: the guard rejects it (and everything after it) and asks
for a seek back to the expected offset, so the skipped events are read again
and processed in order. Commits are clamped to the offsets whose batches were
stored. Reprocessing is harmless: state and storage are idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from typing import Any

from runtime.logs import get_logger

__all__ = ["CommitGuard", "commit_guard", "install_commit_guard"]

log = get_logger("commit-guard")

#: Seeks to one expected offset before the gap is taken to be in the log itself.
MAX_SEEKS = 5


class CommitGuard:
    """Per-partition expected and stored positions; keys are Faust ``TP`` tuples."""

    def __init__(self, anchor: Callable[[Any], int | None] = lambda tp: None) -> None:
        self.anchor = anchor  # the group's committed offset for a TP, when known
        self.expected: dict[Any, int] = {}
        self.stored_upto: dict[Any, int] = {}
        self.seeking: set[Any] = set()
        self._seeks: dict[tuple[Any, int], int] = {}

    def admit(self, positions: Sequence[tuple[Any, int]]) -> tuple[list[bool], dict[Any, int]]:
        """Which events may be processed now, and the seeks needed to close gaps."""
        accepted: list[bool] = []
        seeks: dict[Any, int] = {}
        for tp, offset in positions:
            expected = self.expected.get(tp)
            if expected is None:
                expected = self.anchor(tp)
                expected = offset if expected is None else expected
            if tp in self.seeking and offset != expected:
                accepted.append(False)  # still draining what was fetched past the gap
                if offset > expected:
                    # Seek again: Faust delivers the rest of a fetch made before the
                    # seek and moves its read offset past it, and then drops the
                    # re-read records below that offset, so one seek can leave the
                    # expected offset unread for good (a partition stuck after a
                    # restart). A repeated seek is only a re-fetch.
                    seeks[tp] = expected
                continue
            if tp in self.seeking:
                self.seeking.discard(tp)
                seeks.pop(tp, None)  # the expected offset arrived in this very batch
            if offset > expected and not self._real_gap(tp, expected):
                self.seeking.add(tp)
                self.expected[tp] = expected
                seeks[tp] = expected
                log.warning("offset_gap", None, topic=tp.topic, partition=tp.partition,
                            offset=expected)
                accepted.append(False)
                continue
            self.expected[tp] = max(expected, offset + 1)
            accepted.append(True)
        return accepted, seeks

    def _real_gap(self, tp: Any, expected: int) -> bool:
        """A gap still there after repeated seeks is in the log itself (say, a
        transaction marker): accept it rather than seek forever."""
        tries = self._seeks.get((tp, expected), 0)
        self._seeks[(tp, expected)] = tries + 1
        return tries >= MAX_SEEKS

    def stored(self, tps: Iterable[Any]) -> None:
        """The admitted events of these partitions are stored: they may be committed."""
        for tp in tps:
            if tp in self.expected:
                self.stored_upto[tp] = self.expected[tp]

    def rewind(self, positions: Sequence[tuple[Any, int]]) -> dict[Any, int]:
        """A batch failed, or fetched events were dropped: expect each partition's first
        offset again (never later than already expected) and return the seeks to do.

        The partitions stay in seeking mode until that offset comes back, so events
        fetched before the seek are rejected quietly rather than taken for a gap; these
        seeks do not count towards the ones after which a gap is accepted as real.
        """
        first: dict[Any, int] = {}
        for tp, offset in positions:
            if tp not in first or offset < first[tp]:
                first[tp] = offset
        for tp, offset in first.items():
            expected = self.expected.get(tp)
            offset = offset if expected is None else min(offset, expected)
            first[tp] = offset
            self.expected[tp] = offset
            self.seeking.add(tp)
            for key in [k for k in self._seeks if k[0] == tp]:
                del self._seeks[key]
        return first

    def clamp(self, offsets: Mapping[Any, int]) -> dict[Any, int]:
        """The commit Faust asked for, limited to what we stored (unknown TPs dropped)."""
        return {tp: min(offset, self.stored_upto[tp])
                for tp, offset in offsets.items() if tp in self.stored_upto}


def install_commit_guard(app: Any, guard: CommitGuard) -> None:
    """Wrap the Faust consumer's low-level commit with the guard's clamp.

    The clamp is applied to Faust's own offsets mapping, in place: Faust records that
    same mapping as committed (``Consumer._commit_offsets`` updates
    ``_committed_offset`` from it whether or not the commit happened). Left
    unclamped there, Faust would believe offsets past the stored ones committed and
    ignore the acknowledgements of the events read again below them, so the broker's
    committed offset would wait for newer events on that partition to move at all.
    """
    consumer = app.consumer
    original = consumer._commit

    async def guarded_commit(offsets: Mapping[Any, int]) -> bool:
        clamped = guard.clamp(offsets)
        if isinstance(offsets, MutableMapping):
            offsets.clear()
            offsets.update(clamped)
        if not clamped:
            return False
        return bool(await original(clamped))

    consumer._commit = guarded_commit


def commit_guard(app: Any) -> CommitGuard:
    """The app's guard, installed on first use (all agents of a worker share one)."""
    guard: CommitGuard | None = getattr(app, "_interviewlm_commit_guard", None)
    if guard is None:
        committed = getattr(app.consumer, "_committed_offset", {})
        guard = CommitGuard(anchor=lambda tp: committed.get(tp))
        install_commit_guard(app, guard)
        app._interviewlm_commit_guard = guard
    return guard
