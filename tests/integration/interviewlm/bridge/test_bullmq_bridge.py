"""queue.add (the real Node BullMQ) -> Redis -> interviewlm bridge bullmq -> Kafka -> evaluation."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.agents.evaluation.conftest import eval_env, start_worker  # noqa: F401
from tests.integration.agents.interview.conftest import wait_for
from tests.support.clients import need, node_env
from tests.support.kafka import read_topic

pytestmark = pytest.mark.integration

REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "25379"))


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[str]:
    """Our own redis-server on REDIS_PORT, in a temporary directory, stopped after."""
    need("redis-server", "redis-cli", "node", "bullmq")
    proc = subprocess.Popen(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"],
                             capture_output=True).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.2)
        yield f"redis://127.0.0.1:{REDIS_PORT}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_session_goes_from_queue_add_to_a_stored_evaluation(
        stack: StackInfo, database_url: str, topic_prefix: str,
        eval_env: dict[str, str],  # noqa: F811
        tmp_path: Path, redis_server: str) -> None:
    env = {**eval_env, "ANALYZE_GRACE_SECONDS": "2"}
    worker = start_worker(env, tmp_path, agents="interview,evaluation")
    bridge = subprocess.Popen([sys.executable, "-m", "interviewlm.cli", "bridge", "bullmq",
                               "--redis-url", redis_server], env={**os.environ, **env})
    try:
        added = subprocess.run(["node", str(Path(__file__).parent / "add_jobs.cjs"),
                                str(REDIS_PORT), "rec_77", "cand_77"],
                               env=node_env(),
                               capture_output=True, timeout=60)
        assert added.returncode == 0, added.stderr.decode()
        [row] = asyncio.run(wait_for(database_url, "SELECT * FROM internal.evaluations",
                                     lambda r: len(r) == 1, 120))
        assert row["session_id"] == "rec_77" and row["candidate_id"] == "cand_77"
        [metrics] = asyncio.run(wait_for(
            database_url, "SELECT * FROM internal.session_metrics", lambda r: len(r) == 1))
        assert metrics["ai_interactions"] == 3
        fired = set(json.loads(metrics["struggle_indicators"]))
        assert {"asking_for_help", "short_prompts"} <= fired
        left = subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "LLEN", "bull:evaluation:wait"],
                              capture_output=True).stdout.strip()
        assert left == b"0", "every job was taken and acknowledged"
    finally:
        bridge.terminate()
        bridge.wait(30)
        worker.stop()


def test_the_bridge_publishes_a_sessions_jobs_in_the_order_they_were_added(
        stack: StackInfo, topic_prefix: str, eval_env: dict[str, str],  # noqa: F811
        redis_server: str) -> None:
    """Forty-three chats of one session, waiting in the queue before the bridge starts
    (a backlog, as after a bridge restart), reach Kafka in the order they were added,
    even though the topic does not exist yet and the first sends fail until the broker
    has created it (a job retried after a later one was sent would be out of order)."""
    fresh = f"{topic_prefix}order."
    added = subprocess.run(["node", str(Path(__file__).parent / "add_jobs.cjs"),
                            str(REDIS_PORT), "rec_78", "cand_78"],
                           env={**node_env(), "CHATS": "40"}, capture_output=True, timeout=60)
    assert added.returncode == 0, added.stderr.decode()
    bridge = subprocess.Popen([sys.executable, "-m", "interviewlm.cli", "bridge", "bullmq",
                               "--redis-url", redis_server, "--queues", "interview"],
                              env={**os.environ, **eval_env, "TOPIC_PREFIX": fresh})
    try:
        records = asyncio.run(read_topic(stack.bootstrap_servers, f"{fresh}interview",
                                         expect=43, timeout=60))
    finally:
        bridge.terminate()
        bridge.wait(30)
    ids = [json.loads(r.value)["eventId"] for r in records]
    assert ids == [f"rec_78_ai-interaction_{i}" for i in range(43)]
