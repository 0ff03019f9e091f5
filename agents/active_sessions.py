"""How many sessions are in progress on this worker's partitions (the
``interviewlm_active_sessions`` gauge), from the rows each batch writes.

A session counts from the batch that stores it as started and not completed
until the batch that stores it as completed. It is dropped when its partition
is revoked (another worker counts it from its next event) and after
``idle_seconds`` without an event, so abandoned sessions do not pile up. A
session this worker has not seen an event of since taking its partition is not
counted yet: the figure is "in progress and active here", which is what the
dashboard's per-worker panel means. Summed over workers it counts each session
once, because a partition belongs to one worker at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from adapters.db.interview_repo import InterviewWrites

__all__ = ["DEFAULT_IDLE_SECONDS", "ActiveSessions"]

#: A session with no event for this long (seconds) is no longer counted.
DEFAULT_IDLE_SECONDS = 4 * 3600.0


class ActiveSessions:
    """Session id -> ((topic, partition), last seen), for sessions in progress."""

    def __init__(self, idle_seconds: float = DEFAULT_IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds, self.clock = idle_seconds, clock
        self._active: dict[str, tuple[tuple[str, int], float]] = {}

    def __len__(self) -> int:
        return len(self._active)

    def observe(self, writes: InterviewWrites) -> int:
        """Update from one stored batch; returns the count now."""
        now = self.clock()
        where = {e.session_id: (e.topic, e.partition) for e in writes.events}
        for session_id, row in writes.metrics.items():
            place = where.get(session_id)
            if row.get("started_at") and not row.get("completed_at") and place is not None:
                self._active[session_id] = (place, now)
            else:
                self._active.pop(session_id, None)
        self._expire(now)
        return len(self._active)

    def revoke(self, partitions: Iterable[tuple[str, int]]) -> int:
        """Forget sessions on partitions this worker no longer owns; the count now."""
        gone = set(partitions)
        self._active = {s: v for s, v in self._active.items() if v[0] not in gone}
        return len(self._active)

    def _expire(self, now: float) -> None:
        cutoff = now - self.idle_seconds
        if any(seen < cutoff for _, seen in self._active.values()):
            self._active = {s: v for s, v in self._active.items() if v[1] >= cutoff}
