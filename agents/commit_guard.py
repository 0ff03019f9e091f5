"""Never let Faust commit an offset whose event we have not stored.

Faust acknowledges, and so commits, messages it *skips*: while a worker stops
or rebalances, events still flowing through a stream are dropped and acked
without reaching the agent. Committing those offsets loses the events. The
guard tracks, per partition, the next offset up to which every event was
stored by one of our batches, and clamps each commit to it. A gap (an offset
that never reached us) stops the partition's commit position there, so the
next owner re-reads from the gap; our idempotent processing makes the re-read
harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from interviewlm.logs import get_logger

__all__ = ["CommitGuard", "commit_guard", "install_commit_guard"]

log = get_logger("commit-guard")


class CommitGuard:
    """Per-partition "stored up to" positions; keys are Faust ``TP`` tuples."""

    def __init__(self) -> None:
        self.next_offset: dict[Any, int] = {}
        self.gapped: set[Any] = set()

    def stored(self, positions: Iterable[tuple[Any, int]]) -> None:
        """Record a stored batch of ``(tp, offset)``; advance only over contiguous runs."""
        by_tp: dict[Any, list[int]] = {}
        for tp, offset in positions:
            by_tp.setdefault(tp, []).append(offset)
        for tp, offsets in by_tp.items():
            if tp in self.gapped:
                continue
            expected = self.next_offset.get(tp)
            for offset in sorted(offsets):
                if expected is not None and offset > expected:
                    self.gapped.add(tp)
                    log.warning("commit_gap", None, topic=tp.topic, partition=tp.partition,
                                offset=expected)
                    break
                if expected is None or offset == expected:
                    expected = offset + 1
            if expected is not None:
                self.next_offset[tp] = expected

    def reset(self, tps: Iterable[Any]) -> None:
        """Forget partitions that were revoked: their next owner starts from the commit."""
        for tp in tps:
            self.next_offset.pop(tp, None)
            self.gapped.discard(tp)

    def clamp(self, offsets: Mapping[Any, int]) -> dict[Any, int]:
        """The commit Faust asked for, limited to what we stored (unknown TPs dropped)."""
        out = {}
        for tp, offset in offsets.items():
            safe = self.next_offset.get(tp)
            if safe is not None:
                out[tp] = min(offset, safe)
        return out


def install_commit_guard(app: Any, guard: CommitGuard) -> None:
    """Wrap the Faust consumer's low-level commit, and reset on revocation."""
    consumer = app.consumer
    original = consumer._commit

    async def guarded_commit(offsets: Mapping[Any, int]) -> bool:
        clamped = guard.clamp(offsets)
        if not clamped:
            return False
        return bool(await original(clamped))

    consumer._commit = guarded_commit

    @app.on_partitions_revoked.connect  # type: ignore[untyped-decorator]
    async def on_revoked(app: Any, revoked: Any, **kwargs: Any) -> None:
        guard.reset(revoked)


def commit_guard(app: Any) -> CommitGuard:
    """The app's guard, installed on first use (all agents of a worker share one)."""
    guard: CommitGuard | None = getattr(app, "_interviewlm_commit_guard", None)
    if guard is None:
        guard = CommitGuard()
        install_commit_guard(app, guard)
        app._interviewlm_commit_guard = guard
    return guard
