"""Liveness and readiness from what Faust's agents and consumer actually do.

Faust runs each agent's actors under a supervisor (``mode.supervisors``): when an
actor raises, ``Agent._execute_actor`` calls the agent's ``on_error`` hook, marks
the actor crashed and wakes the supervisor, which starts a replacement over the
same stream (``Agent._replace_actor``). That hook is where crashes are counted;
the replacement being alive is read from ``Agent._actors`` (faust-streaming
0.15.3, pinned; ``tests/agents/test_faust_batches_seam.py`` checks both names).

- ``/live`` fails when an agent has been crashing (or has had no running actor)
  for ``LIVENESS_GRACE_SECONDS``; one crash followed by a quiet restart does not.
- ``/ready`` fails while tables recover, and when an assigned partition of an
  agent's topics has lag and its processed offset has not moved for
  ``READINESS_STALL_SECONDS``.

The gauges ``interviewlm_agent_up{agent}``, ``interviewlm_agent_crashes_total{agent}``
and ``interviewlm_partitions_stuck`` carry the same verdicts for the alerts.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import faust

from agents.commit_guard import commit_guard
from agents.health import AgentLiveness, PartitionProgress
from runtime.logs import get_logger
from runtime.metrics import AGENT_CRASHES, AGENT_UP, PARTITIONS_STUCK
from runtime.settings import Settings

__all__ = ["WorkerHealth", "install_health", "recovery_complete"]

log = get_logger("health")

#: How often the timer looks at the agents and partitions (seconds).
OBSERVE_SECONDS = 1.0


def recovery_complete(app: faust.App) -> bool:
    """True once the worker has an assignment and its tables finished recovery."""
    if not app.tables.data:
        return not app.rebalancing
    recovery = app.tables.recovery
    return bool(recovery.completed.is_set() and not recovery.in_recovery and not app.rebalancing)


def _running(agent: Any) -> bool:
    """Whether ``agent`` has an actor whose task is still running."""
    for aref in list(getattr(agent, "_actors", ())):
        task = getattr(aref, "actor_task", None)
        if task is not None and not task.done() and not aref.crashed:
            return True
    return False


class WorkerHealth:
    """The verdicts behind ``/live`` and ``/ready`` for one Faust app."""

    def __init__(self, app: faust.App, settings: Settings) -> None:
        self.app = app
        self.liveness = AgentLiveness(settings.liveness_grace_seconds)
        self.partitions = PartitionProgress(settings.readiness_stall_seconds)
        self._was_ready = False

    def watch_agents(self) -> None:
        """Chain a crash counter in front of every agent's ``on_error`` hook."""
        for name, agent in self.app.agents.items():
            previous = agent._on_error

            async def on_error(agent_: Any, exc: BaseException, name: str = name,
                               previous: Any = previous) -> None:
                self.liveness.crashed(name)
                AGENT_CRASHES.labels(name).inc()
                log.error("agent_crashed", None, agent=name, error_type=type(exc).__name__,
                          error=str(exc)[:500])
                if previous is not None:
                    await previous(agent_, exc)

            agent._on_error = on_error
            AGENT_UP.labels(name).set(1)
            AGENT_CRASHES.labels(name)

    def _stopping(self) -> bool:
        return bool(getattr(self.app, "should_stop", False)) or not self.app.started

    def observe(self) -> None:
        """Look at every agent and assigned partition once; refresh the gauges."""
        if self._stopping():
            return
        for name, agent in self.app.agents.items():
            self.liveness.observe(name, _running(agent))
        down = self.liveness.down()
        for name in self.app.agents:
            AGENT_UP.labels(name).set(0 if name in down else 1)
        if not recovery_complete(self.app):
            self.partitions.reset()
        else:
            self.partitions.observe(self._positions())
        PARTITIONS_STUCK.set(len(self.partitions.stuck()))

    def _positions(self) -> dict[Hashable, tuple[int | None, int | None]]:
        """Assigned partitions of the agents' topics -> (next offset to process, end)."""
        consumer = self.app.consumer
        topics: set[str] = set()
        for agent in self.app.agents.values():
            topics.update(getattr(agent.channel, "topics", ()) or ())
        guard = commit_guard(self.app)
        committed = getattr(consumer, "_committed_offset", {})
        paused: set[Any] = getattr(consumer, "_paused_partitions", set())  # the board's pause
        out: dict[Hashable, tuple[int | None, int | None]] = {}
        for tp in consumer.assignment():
            if tp.topic not in topics or tp in paused:
                continue
            processed = guard.stored_upto.get(tp)
            if processed is None:
                processed = committed.get(tp)
            try:
                end = consumer.highwater(tp)  # from the last fetch response; None before one
            except Exception:  # not (or no longer) assigned to the client
                end = None
            if processed is None and end is not None:
                processed = 0  # never committed: the group starts at the beginning
            out[tp] = (processed, end)
        return out

    def live(self) -> dict[str, float]:
        """Agents down longer than the grace period (empty: live)."""
        self.observe()
        return self.liveness.down()

    def ready(self) -> tuple[bool, dict[str, Any]]:
        """(ready, why): recovery done and no stuck partition."""
        self.observe()
        recovered = recovery_complete(self.app)
        stuck = self.partitions.stuck() if recovered else {}
        ready = recovered and not stuck
        lag = self.partitions.lag()
        detail: dict[str, Any] = {"recovered": recovered, "stuck": [
            {"topic": getattr(tp, "topic", str(tp)), "partition": getattr(tp, "partition", None),
             "seconds": round(s, 1), "lag": lag.get(tp)} for tp, s in stuck.items()]}
        if ready != self._was_ready:
            log.info("readiness_changed", None, ready=ready, **detail)
            self._was_ready = ready
        return ready, detail


def install_health(app: faust.App, settings: Settings) -> WorkerHealth:
    """The app's health (after every agent is registered), observed every second."""
    health = WorkerHealth(app, settings)
    health.watch_agents()

    async def observe_health() -> None:
        health.observe()

    app.timer(interval=OBSERVE_SECONDS, name="interviewlm.health")(observe_health)
    app._interviewlm_health = health
    return health
