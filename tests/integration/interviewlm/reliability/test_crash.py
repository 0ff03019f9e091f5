"""kill -9, several times, mid-stream: nothing lost, nothing applied or stored twice."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from interviewlm.stack import StackInfo
from tables.state import encode_state
from tests.integration.agents.interview.conftest import fetch
from tests.integration.interviewlm.reliability.conftest import count_sql, json_value, session_events
from tests.support.kafka import publish_json, publish_raw, read_topic
from tests.support.replay import changelog_states, replay_states, state_differences
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BAD = [b"{not json", b'{"type": "launch", "data": {}}', b'{"type": "test-run", "data": {}}']


async def publish_input(stack: StackInfo, topic: str) -> int:
    events = session_events(150, 27, seed=5)
    await publish_json(stack.bootstrap_servers, topic, events[: len(events) // 2])
    await publish_raw(stack.bootstrap_servers, topic, [(b"bad-key", raw) for raw in BAD])
    await publish_json(stack.bootstrap_servers, topic, events[len(events) // 2:])
    return len(events)


async def converged(stack: StackInfo, topic: str, database_url: str,
                    timeout: float = 120) -> tuple[list[Any], dict[str, Any]]:
    """Wait until stored metrics equal a clean replay of the topic as it now stands."""
    deadline = time.monotonic() + timeout
    while True:
        records = await read_topic(stack.bootstrap_servers, topic)
        expected = await replay_states(records, topic.removesuffix("interview"))
        rows = await fetch(database_url, "SELECT session_id, events_applied, event_counts "
                           "FROM internal.session_metrics")
        got = {r["session_id"]: r["events_applied"] for r in rows}
        want = {k: s.events_applied for k, s in expected.items()}
        if got == want:
            return records, expected
        if time.monotonic() > deadline:
            counts = {r["session_id"]: r["event_counts"] for r in rows}
            diff = {k: (got.get(k), want.get(k), counts.get(k), expected[k].event_counts)
                    for k in set(got) | set(want) if got.get(k) != want.get(k)}
            raise AssertionError(f"not converged (stored, replayed): {sorted(diff.items())[:8]}")
        await asyncio.sleep(2)


def test_kill_minus_nine_loses_nothing_and_duplicates_nothing(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Any) -> None:
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    published = asyncio.run(publish_input(stack, topic))
    worker = WorkerProcess(fault_env, tmp_path, agents="interview").start()
    kills, recovery = 0, []
    for _ in range(4):
        worker.wait_ready()
        time.sleep(1.0)
        worker.kill()
        kills += 1
        started = time.monotonic()
        worker.start()
        worker.wait_ready()
        recovery.append(time.monotonic() - started)
    try:
        records, expected = asyncio.run(converged(stack, topic, database_url))
        table = asyncio.run(changelog_states(stack.bootstrap_servers, fault_env["APP_ID"]))
    finally:
        worker.stop()
    # The table equals the clean replay, session by session, byte for byte.
    assert set(table) == set(expected)
    same = all(encode_state(table[k]) == encode_state(expected[k]) for k in expected)
    assert same, f"table differs from replay: {state_differences(table, expected)[:6]}"
    stored = asyncio.run(fetch(database_url, 'SELECT partition, "offset", event_key '
                               "FROM internal.session_events"))
    dlq = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic}.dlq"))
    dead_sources = {dict(r.headers)["x-dlq-source"].decode() for r in dlq}
    positions = {(r["partition"], r["offset"]) for r in stored}
    keys = {r["event_key"] for r in stored}
    for record in records:
        accounted = ((record.partition, record.offset) in positions
                     or f"{topic}:{record.partition}:{record.offset}" in dead_sources
                     or f"id:{json_value(record).get('eventId')}" in keys)
        assert accounted, f"offset {record.partition}:{record.offset} is unaccounted for"
    assert len(dead_sources) == len(BAD)
    answered = sum(1 for r in records if r.value.startswith(b'{"type": "question-answered"'))
    theta_rows = asyncio.run(fetch(database_url, count_sql("theta_trajectory")))[0]["n"]
    assert theta_rows == answered
    failed_rows = asyncio.run(fetch(database_url, count_sql("failed_jobs")))[0]["n"]
    assert failed_rows == len(BAD)
    print(f"crash test: {published} events, {kills} kills, {len(dlq)} dead letters "
          f"({len(dead_sources)} distinct), recovery {max(recovery):.1f}s max, duplicates 0")
