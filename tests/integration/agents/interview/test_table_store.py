"""The RocksDB table store: compacted changelog, local state that a restart reopens.

A restart must not replay the changelog: each local partition database records
the changelog offset it holds (Faust's recovery starts after it), and after a
clean stop that is the changelog's last record, so recovery has nothing to read.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from interviewlm.stack import StackInfo
from tables.state import SessionState, decode_state, encode_state
from tests.integration.agents.interview.conftest import fetch
from tests.integration.interviewlm.reliability.conftest import session_events
from tests.support.kafka import publish_json, read_topic
from tests.support.replay import changelog_states, replay_states
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

OFFSET_KEY = b"__faust\0offset__"


async def _stored_as_replayed(stack: StackInfo, topic: str, database_url: str,
                              timeout: float = 90) -> dict[str, SessionState]:
    """Wait until the stored metrics equal a clean replay of the topic as it now stands."""
    deadline = time.monotonic() + timeout
    while True:
        expected = await replay_states(await read_topic(stack.bootstrap_servers, topic),
                                       topic.removesuffix("interview"))
        rows = await fetch(database_url, "SELECT session_id, events_applied "
                           "FROM internal.session_metrics")
        if {r["session_id"]: r["events_applied"] for r in rows} == {
                k: s.events_applied for k, s in expected.items()}:
            return expected
        assert time.monotonic() < deadline, "stored metrics never matched the replay"
        await asyncio.sleep(1)


async def _changelog_config(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic)])
        [(_, _, _, _, entries)] = response.resources
        return {entry[0]: entry[1] for entry in entries}
    finally:
        await admin.close()


def _local_partitions(data_dir: Path) -> dict[int, dict[bytes, bytes]]:
    """Every local session-state partition database, read directly (the worker is stopped)."""
    import rocksdict

    found: dict[int, dict[bytes, bytes]] = {}
    for path in sorted(data_dir.glob("**/session-state-*.db")):
        partition = int(path.name.removesuffix(".db").rsplit("-", 1)[1])
        db = rocksdict.Rdict(str(path), options=rocksdict.Options(raw_mode=True),
                             access_type=rocksdict.AccessType.read_only())
        try:
            found[partition] = dict(db.items())
        finally:
            db.close()
    return found


def test_restart_reopens_local_tables_and_replays_nothing(
        stack: StackInfo, worker_env: dict[str, str], database_url: str,
        tmp_path: Path) -> None:
    topic = f"{worker_env['TOPIC_PREFIX']}interview"
    changelog = f"{worker_env['APP_ID']}-session-state-changelog"
    events = session_events(40, 12, seed=11)
    asyncio.run(publish_json(stack.bootstrap_servers, topic, events[: len(events) // 2]))
    worker = WorkerProcess(worker_env, tmp_path, agents="interview").start()
    try:
        worker.wait_ready()
        asyncio.run(_stored_as_replayed(stack, topic, database_url))
        assert worker.stop() == 0

        config = asyncio.run(_changelog_config(stack.bootstrap_servers, changelog))
        assert config["cleanup.policy"] == "compact"

        # Each local partition holds the changelog up to its end, value for value.
        last: dict[int, int] = {}
        for record in asyncio.run(read_topic(stack.bootstrap_servers, changelog)):
            last[record.partition] = max(record.offset, last.get(record.partition, -1))
        local = _local_partitions(Path(worker_env["DATA_DIR"]) / worker_env["APP_ID"])
        assert last and set(last) <= set(local)
        for partition, offset in last.items():
            assert int(local[partition][OFFSET_KEY]) == offset, partition
        table = asyncio.run(changelog_states(stack.bootstrap_servers, worker_env["APP_ID"]))
        stored = {k.decode(): decode_state(v) for db in local.values()
                  for k, v in db.items() if k != OFFSET_KEY}
        assert {k: encode_state(s) for k, s in stored.items()} == {
            k: encode_state(s) for k, s in table.items()}

        # The restarted worker builds on the reopened state: the second half of every
        # session is applied on top of the first, exactly as a clean replay does it.
        worker.start()
        worker.wait_ready()
        asyncio.run(publish_json(stack.bootstrap_servers, topic, events[len(events) // 2:]))
        expected = asyncio.run(_stored_as_replayed(stack, topic, database_url))
        assert sum(s.events_applied for s in expected.values()) >= len(events)
    finally:
        worker.stop()
