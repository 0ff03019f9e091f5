"""Committed offsets follow storage at a trickle: the group reaches the end of the
topic within a few commit intervals of the last event being stored."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch
from tests.integration.interviewlm.reliability.conftest import session_events
from tests.support.kafka import committed_reach_end, publish_json
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def trickle(bootstrap: str, topic: str, events: list[dict], per_second: float) -> None:
    for event in events:
        await publish_json(bootstrap, topic, [event])
        await asyncio.sleep(1 / per_second)


def test_commits_reach_the_end_soon_after_a_slow_stream_is_stored(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path) -> None:
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    events = session_events(6, 10, seed=21)[:40]
    worker = WorkerProcess(fault_env, tmp_path, agents="interview").start()
    try:
        worker.wait_ready()
        asyncio.run(trickle(stack.bootstrap_servers, topic, events[:20], 2.0))
        assert worker.stop(signal.SIGTERM, timeout=30) == 0
        worker.start()
        worker.wait_ready()
        asyncio.run(trickle(stack.bootstrap_servers, topic, events[20:], 2.0))
        took = _commit_latency(stack, database_url, fault_env["APP_ID"], topic, len(events),
                               "count(*)", stored_within=60, committed_within=90)
        print(f"commit latency after the last event was stored: {took:.1f}s")
        assert took < 5
    finally:
        worker.stop()


def test_commits_reach_the_end_soon_after_kills_mid_stream(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path) -> None:
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    events = session_events(60, 27, seed=23)
    bulk, tail = events[:-20], events[-20:]
    asyncio.run(publish_json(stack.bootstrap_servers, topic, bulk))
    worker = WorkerProcess(fault_env, tmp_path, agents="interview").start()
    try:
        for _ in range(3):
            worker.wait_ready()
            time.sleep(0.7)
            worker.kill()
            worker.start()
        worker.wait_ready()
        asyncio.run(trickle(stack.bootstrap_servers, topic, tail, 2.0))
        took = _commit_latency(stack, database_url, fault_env["APP_ID"], topic, len(events),
                               'count(DISTINCT (partition, "offset"))',
                               stored_within=90, committed_within=120)
        print(f"commit latency after kills, last event stored: {took:.1f}s")
        assert took < 5
    finally:
        worker.stop()


def _commit_latency(stack: StackInfo, database_url: str, group: str, topic: str, events: int,
                    count: str, stored_within: float, committed_within: float) -> float:
    """Seconds from the moment ``events`` rows are stored (counted with ``count``) until
    the group's commits reach the end of ``topic``."""
    started = time.monotonic()
    while int(asyncio.run(fetch(database_url, f"SELECT {count} AS n FROM "
                                "internal.session_events"))[0]["n"]) < events:
        assert time.monotonic() - started < stored_within
        time.sleep(0.2)
    return asyncio.run(committed_reach_end(stack.bootstrap_servers, group, [topic],
                                           committed_within))
