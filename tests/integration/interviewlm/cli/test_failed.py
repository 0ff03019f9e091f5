"""``interviewlm failed`` and ``metrics`` as an operator runs them on a real database:
purge deletes exactly what it is told (after asking), unknown ids are clear errors
with a non-zero exit, and JSON columns print as JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from interviewlm.stack import StackInfo
from tests.integration.interviewlm.admin.board import fetch, insert_failed_job
from tests.integration.interviewlm.cli.test_commands import run_cli

pytestmark = pytest.mark.integration


def _event(session: str) -> dict[str, Any]:
    return {"type": "session-started",
            "data": {"sessionId": session, "candidateId": "c-1",
                     "timestamp": "2024-05-01T10:00:00Z"}}


@pytest.fixture
def jobs(stack: StackInfo, database_url: str, topic_prefix: str) -> Iterator[dict[str, Any]]:
    """Four failed jobs: three on <prefix>interview, one on <prefix>evaluation."""
    proc, _ = run_cli("db", "migrate", env={"DATABASE_URL": database_url})
    assert proc.returncode == 0, proc.stderr
    interview, evaluation = f"{topic_prefix}interview", f"{topic_prefix}evaluation"
    ids = [insert_failed_job(database_url, interview, _event(f"s-{i}"), offset=i)
           for i in range(3)]
    ids.append(insert_failed_job(database_url, evaluation, _event("s-e"), offset=7))
    env = {"DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers,
           "TOPIC_PREFIX": topic_prefix}
    yield {"ids": ids, "env": env, "db": database_url, "interview": interview,
           "evaluation": evaluation}


def _left(db: str) -> list[int]:
    return [r["id"] for r in fetch(db, "SELECT id FROM internal.failed_jobs ORDER BY id")]


def test_purge_by_id_deletes_only_that_job(jobs: dict[str, Any]) -> None:
    a, b, c, d = jobs["ids"]
    proc, _ = run_cli("failed", "purge", str(b), stdin="y\n", env=jobs["env"])
    assert _left(jobs["db"]) == [a, c, d]
    assert proc.returncode == 0, proc.stderr
    assert f"Delete 1 failed job(s): {b}? [y/N]" in proc.stderr
    assert json.loads(proc.stdout) == {"purged": [b]}


def test_purge_by_topic_deletes_only_that_topic(jobs: dict[str, Any]) -> None:
    proc, _ = run_cli("failed", "purge", "--topic", jobs["evaluation"], "--yes",
                      env=jobs["env"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"purged": [jobs["ids"][3]]}
    assert _left(jobs["db"]) == jobs["ids"][:3]


def test_purge_naming_nothing_deletes_nothing(jobs: dict[str, Any]) -> None:
    proc, _ = run_cli("failed", "purge", "--yes", env=jobs["env"])
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "interviewlm failed: error: name the jobs: one or more ids, --topic TOPIC, or --all"]
    assert _left(jobs["db"]) == jobs["ids"]


def test_purge_asks_first_and_only_yes_deletes(jobs: dict[str, Any]) -> None:
    declined, _ = run_cli("failed", "purge", "--all", stdin="n\n", env=jobs["env"])
    assert declined.returncode == 1
    assert "Delete 4 failed job(s) (all)? [y/N]" in declined.stderr
    assert "nothing deleted" in declined.stderr
    unanswered, _ = run_cli("failed", "purge", "--all", stdin="", env=jobs["env"])
    assert unanswered.returncode == 2 and "add --yes" in unanswered.stderr
    assert _left(jobs["db"]) == jobs["ids"]
    agreed, _ = run_cli("failed", "purge", "--all", stdin="y\n", env=jobs["env"])
    assert agreed.returncode == 0, agreed.stderr
    assert json.loads(agreed.stdout) == {"purged": jobs["ids"]}
    assert _left(jobs["db"]) == []


def test_purge_with_an_unknown_id_deletes_nothing(jobs: dict[str, Any]) -> None:
    proc, _ = run_cli("failed", "purge", str(jobs["ids"][0]), "99999", "--yes",
                      env=jobs["env"])
    assert proc.returncode == 2
    assert "no failed job 99999" in proc.stderr
    assert _left(jobs["db"]) == jobs["ids"]


@pytest.mark.parametrize("action", ["show", "retry"])
def test_unknown_job_is_one_clean_line_and_exit_2(jobs: dict[str, Any], action: str) -> None:
    proc, _ = run_cli("failed", action, "99999", env=jobs["env"])
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "interviewlm failed: error: no failed job 99999 (list them with: interviewlm failed list)"]


def test_show_prints_the_payload_as_json(jobs: dict[str, Any]) -> None:
    proc, _ = run_cli("failed", "show", str(jobs["ids"][0]), env=jobs["env"])
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)
    assert shown["payload"] == _event("s-0")
    assert shown["message_key"] == "s-0" and shown["source_topic"] == jobs["interview"]


def test_retry_republishes_once_and_a_second_retry_exits_1(jobs: dict[str, Any]) -> None:
    first = jobs["ids"][0]
    proc, _ = run_cli("failed", "retry", str(first), env=jobs["env"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"retried": [first], "skipped": []}
    again, _ = run_cli("failed", "retry", str(first), env=jobs["env"])
    assert again.returncode == 1
    (skipped,) = json.loads(again.stdout)["skipped"]
    assert skipped["id"] == first and skipped["reason"].startswith("already retried")
    statuses = fetch(jobs["db"], "SELECT id, status FROM internal.failed_jobs ORDER BY id")
    assert [r["status"] for r in statuses] == ["retried", "failed", "failed", "failed"]


def test_metrics_prints_json_columns_as_json(database_url: str) -> None:
    proc, _ = run_cli("db", "migrate", env={"DATABASE_URL": database_url})
    assert proc.returncode == 0, proc.stderr

    async def insert() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute(
                "INSERT INTO internal.session_metrics (session_id, struggle_indicators,"
                " event_counts, details) VALUES ('s-json', $1, $2, $3)",
                json.dumps(["stuck_on_tests"]), json.dumps({"test-run": 3}),
                json.dumps({"theta_path": [0.1, 0.2]}))
        finally:
            await conn.close()

    asyncio.run(insert())
    proc, _ = run_cli("metrics", "s-json", env={"DATABASE_URL": database_url})
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)
    assert shown["struggle_indicators"] == ["stuck_on_tests"]
    assert shown["event_counts"] == {"test-run": 3}
    assert shown["details"] == {"theta_path": [0.1, 0.2]}
