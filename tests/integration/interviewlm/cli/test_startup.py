"""Starting things as a newcomer does: ``--version``; ``demo`` under a topic prefix with
progress on stderr; a worker's start on a brand-new broker logs no ERROR or WARNING
line and one ``worker_started`` line with its port and the board's URL."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from interviewlm.stack.kafka import KafkaBroker
from tests.integration.interviewlm.cli.test_commands import run_cli
from tests.support.stack import local_test_stack, unique
from tests.support.worker import WorkerProcess, free_port

ROOT = Path(__file__).resolve().parents[4]


def test_version_is_the_package_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    proc, _ = run_cli("--version")
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(rf"interviewlm {re.escape(version)} \(Python 3\.\d+\.\d+\)\n",
                        proc.stdout)


@pytest.mark.integration
def test_demo_under_a_prefix_shows_progress_and_the_session(
        stack: StackInfo, database_url: str, topic_prefix: str) -> None:
    env = {**stack.env(), "DATABASE_URL": database_url, "TOPIC_PREFIX": topic_prefix,
           "APP_ID": unique("demo-"), "WEB_PORT": str(free_port()), "WEB_HOST": "127.0.0.1",
           "KAFKA_TOPIC_PARTITIONS": "4", "BATCH_WITHIN_SECONDS": "0.05"}
    proc, _ = run_cli("demo", "--timeout", "120", "--events", "14", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    shown = json.loads(proc.stdout)
    assert shown["metrics"]["session_id"] == shown["sessionId"]
    assert isinstance(shown["metrics"]["event_counts"], dict)  # JSON, not a string of it
    assert shown["evaluation"]["overallScore"] >= 0
    steps = [line.split(": ", 1)[1] for line in proc.stderr.splitlines()
             if line.startswith("demo: ")]
    expected = ["stack: waiting for Kafka and PostgreSQL to answer", "stack: ready in",
                "creating topics", "starting the interview and evaluation agents",
                "workers ready; publishing one simulated session (14 events)",
                "waiting for session", "waiting for its evaluation", "stopping the workers"]
    assert len(steps) == len(expected), steps
    for step, start in zip(steps, expected, strict=True):
        assert step.startswith(start), (step, start)


@pytest.fixture
def fresh_broker(stack: StackInfo, tmp_path: Path) -> Iterator[KafkaBroker]:
    """A broker that has never seen a consumer group (no __consumer_offsets yet)."""
    broker = KafkaBroker(tmp_path / "kafka", free_port(), free_port(), partitions=4)
    broker.start(local_test_stack().root / "cache", timeout=90)
    try:
        yield broker
    finally:
        broker.stop()


@pytest.mark.integration
def test_worker_start_on_a_fresh_broker_is_quiet_and_names_its_board(
        fresh_broker: KafkaBroker, database_url: str, tmp_path: Path) -> None:
    worker = WorkerProcess({"KAFKA_BOOTSTRAP_SERVERS": fresh_broker.bootstrap,
                            "DATABASE_URL": database_url, "KAFKA_TOPIC_PARTITIONS": "4",
                            "DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"},
                           tmp_path, agents="interview,evaluation,notification")
    worker.start()
    try:
        worker.wait_ready(120)
    finally:
        assert worker.stop() == 0
    lines = [json.loads(line) for line in worker.logs().splitlines() if line.strip()]
    loud = [line for line in lines if line["level"] in ("error", "warning", "critical")]
    assert loud == []
    (started,) = [line for line in lines if line["event"] == "worker_started"]
    assert started["web_port"] == worker.port
    assert started["board_url"] == f"http://127.0.0.1:{worker.port}/admin/queues"
    assert started["agents"] == ["interview", "evaluation", "notification"]
