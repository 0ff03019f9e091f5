"""The CLI as a user runs it: clear errors when services are away, IRT and item bank."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch
from tests.support.worker import free_port

pytestmark = pytest.mark.integration


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str = "",
            timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "interviewlm.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    return proc, time.monotonic() - started


def test_unreachable_postgres_is_a_clear_error_within_seconds() -> None:
    url = f"postgresql://postgres:hunter2@127.0.0.1:{free_port()}/x"
    proc, took = run_cli("db", "migrate", env={"DATABASE_URL": url,
                                               "DB_CONNECT_TIMEOUT_SECONDS": "3"})
    assert proc.returncode == 2
    assert "PostgreSQL at 127.0.0.1" in proc.stderr and "unreachable" in proc.stderr
    assert "hunter2" not in proc.stderr + proc.stdout
    assert took < 15


def test_unreachable_kafka_is_a_clear_error_within_seconds(database_url: str) -> None:
    proc, took = run_cli("worker", "--agents", "interview", env={
        "DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"})
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "Kafka at 127.0.0.1" in proc.stderr and "unreachable" in proc.stderr
    assert took < 30


def test_irt_estimate_reads_json_and_prints_the_estimate() -> None:
    payload = {"responses": [{"a": 1.2, "b": 0.3, "c": 0.0, "score": 1},
                             {"a": 1.0, "b": 1.0, "score": 0}],
               "method": "eap", "grid": {"points": 61, "min": -4, "max": 4}}
    proc, _ = run_cli("irt", "estimate", stdin=json.dumps(payload))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["method"] == "eap" and out["n"] == 2
    assert -1.0 < out["theta"] < 1.0 and 0.5 < out["se"] < 1.0
    bad, _ = run_cli("irt", "estimate", stdin=json.dumps(
        {"responses": [{"a": -1, "b": 0, "score": 1}]}))
    assert bad.returncode == 2 and "a" in bad.stderr


def test_items_load_upserts_the_bank_and_rejects_bad_rows(
        stack: StackInfo, database_url: str, tmp_path: Path) -> None:
    good = tmp_path / "items.csv"
    good.write_text("questionId,a,b,c,difficulty,topic\nq1,1.2,0.5,0.1,6,arrays\n"
                    "q2,0.8,-1.0,,3,\n")
    proc, _ = run_cli("items", "load", str(good), env={"DATABASE_URL": database_url})
    assert proc.returncode == 0, proc.stderr
    rows = asyncio.run(fetch(database_url, "SELECT question_id, a, b, c, difficulty, topic "
                             "FROM internal.item_bank ORDER BY question_id"))
    assert [(r["question_id"], r["a"], r["b"], r["c"]) for r in rows] == [
        ("q1", 1.2, 0.5, 0.1), ("q2", 0.8, -1.0, 0.0)]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"questionId": "q3", "a": 0, "b": 1}]))
    proc, _ = run_cli("items", "load", str(bad), env={"DATABASE_URL": database_url})
    assert proc.returncode == 2 and "item row 1" in proc.stderr
