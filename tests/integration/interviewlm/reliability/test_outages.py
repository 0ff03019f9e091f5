"""PostgreSQL away for 30 s, and the Kafka broker restarted: the worker carries on."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.interviewlm.reliability.conftest import session_events
from tests.integration.interviewlm.reliability.test_crash import converged
from tests.support.kafka import publish_json
from tests.support.stack import local_test_stack
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def local_stack(stack: StackInfo):  # type: ignore[no-untyped-def]
    local = local_test_stack()
    if local.external is not None:
        pytest.skip("outage tests stop and start the local stack's own servers")
    return local


def test_postgres_down_for_30_seconds_loses_nothing(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path,
        local_stack) -> None:  # type: ignore[no-untyped-def]
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    worker = WorkerProcess(fault_env, tmp_path, agents="interview").start()
    try:
        worker.wait_ready()
        local_stack.postgres.stop()
        try:
            asyncio.run(publish_json(stack.bootstrap_servers, topic,
                                     session_events(20, 27, seed=17)))
            time.sleep(30)
            assert worker.proc is not None and worker.proc.poll() is None, "worker died"
        finally:
            local_stack.postgres.start()
        asyncio.run(converged(stack, topic, database_url))
        logs = worker.logs()
        assert "db_write_retry" in logs or "item_bank_retry" in logs
    finally:
        worker.stop()


def test_broker_restart_the_worker_reconnects(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path,
        local_stack) -> None:  # type: ignore[no-untyped-def]
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    events = session_events(20, 27, seed=19)
    worker = WorkerProcess(fault_env, tmp_path, agents="interview").start()
    try:
        worker.wait_ready()
        asyncio.run(publish_json(stack.bootstrap_servers, topic, events[:200]))
        local_stack.kafka.stop()
        time.sleep(5)
        local_stack.kafka.start(local_stack.root / "cache")
        asyncio.run(publish_json(stack.bootstrap_servers, topic, events[200:]))
        asyncio.run(converged(stack, topic, database_url, timeout=180))
        assert worker.proc is not None and worker.proc.poll() is None
    finally:
        worker.stop()
