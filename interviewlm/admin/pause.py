"""Pause and resume an agent's consumption on this worker, from the board.

Pausing stops fetching from the agent's topics (its source topics and their
retry topics) on the partitions this worker holds; the batch in flight still
finishes and is committed, nothing is skipped, and lag grows until it is resumed.
It is per worker process: another worker of the group keeps consuming its own
partitions (pause it from its own board, or scale the group down).

Faust resumes every active partition itself after a rebalance and after table
recovery, so the pause is re-applied every ``REAPPLY_SECONDS`` by a timer (events
of a newly assigned partition may be processed for up to that long first).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from runtime.settings import Settings
from streams.topics import EVALUATION, EVALUATION_URGENT, INTERVIEW, NOTIFICATION, retry_topic

__all__ = ["AGENT_TOPICS", "REAPPLY_SECONDS", "AgentState", "PauseControl"]

REAPPLY_SECONDS = 1.0
#: Base names of the topics each agent (as ``--agents`` names it) consumes.
AGENT_TOPICS: dict[str, tuple[str, ...]] = {
    "interview": (INTERVIEW,),
    "evaluation": (EVALUATION, retry_topic(EVALUATION), EVALUATION_URGENT,
                   retry_topic(EVALUATION_URGENT)),
    "notification": (NOTIFICATION, retry_topic(NOTIFICATION)),
}


@dataclass(frozen=True)
class AgentState:
    """One agent of this worker as the board shows it."""

    name: str
    topics: tuple[str, ...]
    paused_since: float | None  # unix seconds
    paused_partitions: int

    @property
    def paused(self) -> bool:
        return self.paused_since is not None


class PauseControl:
    """Which agents are paused here, applied to the Faust app's consumer."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self._paused: dict[str, float] = {}

    def _topics(self, agent: str) -> tuple[str, ...]:
        return tuple(self.settings.topics(t) for t in AGENT_TOPICS[agent])

    def running(self) -> list[str]:
        """The agents this worker runs (those whose topics its agents subscribe to)."""
        subscribed: set[str] = set()
        for agent in getattr(self.app, "agents", {}).values():
            subscribed.update(getattr(agent.channel, "topics", ()) or ())
        return [name for name in AGENT_TOPICS if set(self._topics(name)) & subscribed]

    def _assigned(self, topics: Iterable[str]) -> set[Any]:
        wanted = set(topics)
        consumer = getattr(self.app, "consumer", None)
        assignment = consumer.assignment() if consumer is not None else set()
        return {tp for tp in assignment if tp.topic in wanted}

    def pause(self, agent: str) -> None:
        if agent not in self.running():
            raise KeyError(agent)
        self._paused.setdefault(agent, time.time())
        self.reapply()

    def resume(self, agent: str) -> None:
        if self._paused.pop(agent, None) is not None:
            self.app.consumer.resume_partitions(self._assigned(self._topics(agent)))

    def reapply(self) -> None:
        """Pause, again, every held partition of every paused agent (idempotent)."""
        for agent in self._paused:
            tps = self._assigned(self._topics(agent))
            if tps:
                self.app.consumer.pause_partitions(tps)

    def states(self) -> list[AgentState]:
        paused_tps: set[Any] = getattr(getattr(self.app, "consumer", None),
                                       "_paused_partitions", set())
        return [AgentState(name, self._topics(name), self._paused.get(name),
                           sum(1 for tp in paused_tps if tp.topic in self._topics(name)))
                for name in self.running()]
