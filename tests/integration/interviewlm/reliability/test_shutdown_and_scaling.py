"""SIGTERM mid-stream, and two workers sharing the partitions."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch
from tests.integration.interviewlm.reliability.conftest import session_events
from tests.integration.interviewlm.reliability.test_crash import converged
from tests.support.kafka import publish_json
from tests.support.replay import changelog_states
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EVENTS = "SELECT count(*) AS n FROM internal.session_events"


def stored(database_url: str) -> int:
    return int(asyncio.run(fetch(database_url, EVENTS))[0]["n"])


def test_sigterm_finishes_in_flight_work_and_exits_zero(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path) -> None:
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    asyncio.run(publish_json(stack.bootstrap_servers, topic, session_events(80, 27, seed=9)))
    worker = WorkerProcess(fault_env, tmp_path, agents="interview").start()
    worker.wait_ready()
    while stored(database_url) == 0:
        time.sleep(0.05)
    started = time.monotonic()
    code = worker.stop(signal.SIGTERM, timeout=30)
    took = time.monotonic() - started
    assert code == 0, worker.logs()[-2000:]
    assert took < float(fault_env["SHUTDOWN_TIMEOUT_SECONDS"])
    worker.start()
    try:
        worker.wait_ready()
        asyncio.run(converged(stack, topic, database_url))
    finally:
        worker.stop()
    duplicates = asyncio.run(fetch(database_url, 'SELECT partition, "offset", count(*) AS n '
                                   "FROM internal.session_events GROUP BY 1, 2 HAVING "
                                   "count(*) > 1"))
    assert duplicates == []
    print(f"sigterm: clean exit in {took:.2f}s")


def test_two_workers_share_partitions_and_survive_losing_one(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path) -> None:
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    first = WorkerProcess(fault_env, tmp_path, agents="interview", name="w1").start()
    second = WorkerProcess(fault_env, tmp_path / "w2", agents="interview", name="w2").start()
    workers = [first, second]
    try:
        for w in workers:
            w.wait_ready()
        events = session_events(120, 27, seed=13)
        asyncio.run(publish_json(stack.bootstrap_servers, topic, events[:1500]))
        assignments = _until_both_processed(workers, timeout=30)
        assert all(assignments), f"both workers should own partitions: {assignments}"
        second.kill()
        asyncio.run(publish_json(stack.bootstrap_servers, topic, events[1500:]))
        _, expected = asyncio.run(converged(stack, topic, database_url))
        table = asyncio.run(changelog_states(stack.bootstrap_servers, fault_env["APP_ID"]))
        assert {k: s.events_applied for k, s in table.items()} == {
            k: s.events_applied for k, s in expected.items()}
        rows = asyncio.run(fetch(database_url, "SELECT sum(events_applied) AS n "
                                 "FROM internal.session_metrics"))
        assert rows[0]["n"] == sum(s.events_applied for s in expected.values())
    finally:
        for w in workers:
            w.stop()


def _until_both_processed(workers: list[WorkerProcess], timeout: float) -> list[Any]:
    """Each worker's processed-events lines, once every worker has some (or at timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        assignments = [_assigned(w) for w in workers]
        if all(assignments) or time.monotonic() > deadline:
            return assignments
        time.sleep(0.2)


def _assigned(worker: WorkerProcess) -> Any:
    """Partitions this worker processed, from its own metrics (events by topic)."""
    text = worker.get("/metrics")
    return [line for line in text.splitlines()
            if line.startswith("interviewlm_events_processed_total{") and " 0.0" not in line]
