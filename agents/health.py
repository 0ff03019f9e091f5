"""Is each agent alive, and is each assigned partition moving? Pure bookkeeping.

Faust's supervisor restarts a crashed agent at once, so a crash is not by itself a
reason to fail liveness: an agent that crashed once and then runs quietly has
recovered. What liveness must catch is an agent that keeps crashing (a crash loop
on the same batch) or has no running actor at all. :class:`AgentLiveness` keeps,
per agent, when its current streak of trouble began and when it last crashed; the
streak ends once the agent has run ``grace`` seconds without crashing. An agent
is *down* when its streak has lasted ``grace`` seconds.

Readiness also needs every assigned partition to move: a partition with lag
whose processed offset has not advanced for ``bound`` seconds is *stuck*
(:class:`PartitionProgress`), whatever the reason (a crash loop, a wedged batch,
a dependency that never answers).

No Faust here: the wiring (``interviewlm/health.py``) feeds observations in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

__all__ = ["AgentLiveness", "PartitionProgress"]

Clock = Callable[[], float]


@dataclass
class _Streak:
    since: float
    last_crash: float | None


class AgentLiveness:
    """Per agent: crashed (or not running) and not yet recovered, since when."""

    def __init__(self, grace: float, clock: Clock = time.monotonic) -> None:
        self.grace, self.clock = grace, clock
        self._streaks: dict[str, _Streak] = {}
        self.crashes: dict[str, int] = {}

    def crashed(self, agent: str) -> None:
        """An actor of ``agent`` raised (Faust's ``on_error``)."""
        now = self.clock()
        self.crashes[agent] = self.crashes.get(agent, 0) + 1
        streak = self._streaks.get(agent)
        if streak is None:
            self._streaks[agent] = _Streak(now, now)
        else:
            streak.last_crash = now

    def observe(self, agent: str, running: bool) -> None:
        """Whether ``agent`` has a running actor now; ends a streak that went quiet."""
        now = self.clock()
        streak = self._streaks.get(agent)
        if not running:
            if streak is None:
                self._streaks[agent] = _Streak(now, None)
            return
        if streak is None:
            return
        quiet_since = streak.last_crash if streak.last_crash is not None else streak.since
        if streak.last_crash is None or now - quiet_since >= self.grace:
            del self._streaks[agent]  # running again, and no crash for a whole grace period

    def down(self) -> dict[str, float]:
        """Agents in trouble for at least ``grace`` seconds -> seconds in trouble."""
        now = self.clock()
        return {agent: now - s.since for agent, s in self._streaks.items()
                if now - s.since >= self.grace}


@dataclass
class _Position:
    processed: int
    since: float


class PartitionProgress:
    """Per partition: the processed offset and since when it has not moved."""

    def __init__(self, bound: float, clock: Clock = time.monotonic) -> None:
        self.bound, self.clock = bound, clock
        self._positions: dict[Hashable, _Position] = {}
        self._lag: dict[Hashable, int] = {}

    def observe(self, positions: Mapping[Hashable, tuple[int | None, int | None]]) -> None:
        """``tp -> (processed, end)``: the next offset to process and the partition's end.

        Partitions missing from ``positions`` (revoked) or with either offset unknown
        are forgotten; a partition with no lag is never stuck.
        """
        now = self.clock()
        for tp in list(self._positions):
            if tp not in positions:
                del self._positions[tp]
                self._lag.pop(tp, None)
        for tp, (processed, end) in positions.items():
            if processed is None or end is None:
                self._positions.pop(tp, None)
                self._lag.pop(tp, None)
                continue
            self._lag[tp] = max(0, end - processed)
            known = self._positions.get(tp)
            if known is None or known.processed != processed or self._lag[tp] == 0:
                self._positions[tp] = _Position(processed, now)

    def reset(self) -> None:
        """A rebalance or recovery: judge every partition afresh."""
        self._positions.clear()
        self._lag.clear()

    def lag(self) -> dict[Hashable, int]:
        return dict(self._lag)

    def stuck(self) -> dict[Hashable, float]:
        """Partitions with lag whose processed offset has not moved for ``bound`` s."""
        now = self.clock()
        return {tp: now - p.since for tp, p in self._positions.items()
                if self._lag.get(tp, 0) > 0 and now - p.since >= self.bound}
