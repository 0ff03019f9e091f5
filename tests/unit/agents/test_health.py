"""Agent liveness and partition progress: the verdicts behind /live and /ready."""

from __future__ import annotations

from agents.health import AgentLiveness, PartitionProgress


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_crash_followed_by_a_quiet_restart_never_fails_liveness() -> None:
    clock = Clock()
    live = AgentLiveness(grace=10, clock=clock)
    live.crashed("interview-agent")
    live.observe("interview-agent", running=True)
    assert live.down() == {}
    clock.now += 10
    live.observe("interview-agent", running=True)
    assert live.down() == {}
    clock.now += 100
    assert live.down() == {} and live.crashes == {"interview-agent": 1}


def test_an_agent_crashing_over_and_over_is_down_after_the_grace_period() -> None:
    clock = Clock()
    live = AgentLiveness(grace=10, clock=clock)
    for _ in range(6):
        live.crashed("interview-agent")
        live.observe("interview-agent", running=True)  # the supervisor restarted it
        clock.now += 2
    assert live.down() == {"interview-agent": 12}
    # It stops crashing (last crash at +10): live again after a whole quiet grace period.
    clock.now += 7
    live.observe("interview-agent", running=True)
    assert "interview-agent" in live.down()
    clock.now += 1
    live.observe("interview-agent", running=True)
    assert live.down() == {}


def test_an_agent_with_no_running_actor_is_down_after_the_grace_period() -> None:
    clock = Clock()
    live = AgentLiveness(grace=5, clock=clock)
    live.observe("evaluation", running=False)
    clock.now += 4
    live.observe("evaluation", running=False)
    assert live.down() == {}
    clock.now += 1
    assert live.down() == {"evaluation": 5}
    live.observe("evaluation", running=True)
    assert live.down() == {}


def test_a_partition_with_lag_that_does_not_move_is_stuck() -> None:
    clock = Clock()
    progress = PartitionProgress(bound=30, clock=clock)
    progress.observe({"p0": (10, 20), "p1": (5, 5)})
    clock.now += 29
    progress.observe({"p0": (10, 25), "p1": (5, 5)})
    assert progress.stuck() == {}
    clock.now += 1
    assert progress.stuck() == {"p0": 30}
    assert progress.lag() == {"p0": 15, "p1": 0}
    progress.observe({"p0": (11, 25), "p1": (5, 5)})  # it moved
    assert progress.stuck() == {}


def test_an_idle_partition_is_never_stuck_and_revoked_ones_are_forgotten() -> None:
    clock = Clock()
    progress = PartitionProgress(bound=30, clock=clock)
    progress.observe({"p0": (7, 7), "p1": (0, 3)})
    clock.now += 100
    progress.observe({"p0": (7, 7)})
    assert progress.stuck() == {}
    progress.observe({"p0": (7, 9)})  # new events arrive: judged from now on
    clock.now += 29
    assert progress.stuck() == {}
    progress.observe({"p0": (None, 9)})  # unknown position: no verdict
    clock.now += 100
    assert progress.stuck() == {}
