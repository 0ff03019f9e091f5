"""Helpers for the admin-board integration tests: a worker with a key, HTTP calls,
waiting for conditions, and the failed-job fixtures they need."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from interviewlm.stack import StackInfo
from tests.support.stack import unique
from tests.support.tools import missing_tool as require
from tests.support.worker import WorkerProcess

__all__ = [
    "API_KEY",
    "Http",
    "fetch",
    "insert_failed_job",
    "missing_tool",
    "start_worker",
    "wait_for",
]

API_KEY = "board-test-key-9f3c2a7e51"
T = TypeVar("T")


def start_worker(stack: StackInfo, database_url: str, topic_prefix: str, tmp_path: Path,
                 *, key: str | None = API_KEY, extra: dict[str, str] | None = None,
                 agents: str = "interview") -> WorkerProcess:
    """A real ``interviewlm worker --agents <agents>``, ready (tables recovered)."""
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers, "DATABASE_URL": database_url,
           "TOPIC_PREFIX": topic_prefix, "APP_ID": unique("board-"),
           "KAFKA_TOPIC_PARTITIONS": "4", "BATCH_WITHIN_SECONDS": "0.05", **(extra or {})}
    if key is not None:
        env["INTERNAL_API_KEY"] = key
    worker = WorkerProcess(env, tmp_path, agents=agents)
    if key is None:
        worker.env.pop("INTERNAL_API_KEY", None)
    worker.start()
    worker.wait_ready(120)
    return worker


class Http:
    """Plain urllib calls against one worker; never follows redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def call(self, path: str, *, key: str | None = None, form: dict[str, str] | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) of a GET, or of a form POST when ``form`` is given."""
        all_headers = dict(headers or {})
        if key is not None:
            all_headers["x-internal-api-key"] = key
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=all_headers)
        try:
            with self.opener.open(request, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode()

    def api(self, path: str, key: str = API_KEY) -> Any:
        status, _, body = self.call(path, key=key)
        assert status == 200, (path, status, body)
        return json.loads(body)


def wait_for(check: Callable[[], T | None], timeout: float = 60.0, what: str = "",
             interval: float = 0.5) -> T:
    """Call ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}: last={last!r}")


def insert_failed_job(database_url: str, topic: str, event: dict[str, Any],
                      offset: int = 900_000, group: str = "",
                      failed_at: datetime | None = None) -> int:
    """A failed job of consumer group ``group`` whose payload is a valid interview event,
    after three attempts (retry headers included); returns its id."""

    async def insert() -> int:
        conn = await asyncpg.connect(database_url)
        try:
            for _ in range(120):  # the agent migrates the database as it starts
                if await conn.fetchval("SELECT to_regclass('internal.failed_jobs')"):
                    break
                await asyncio.sleep(0.5)
            for _ in range(120):  # ... and adds the operators' columns
                if await conn.fetchval("SELECT 1 FROM information_schema.columns WHERE"
                                       " table_name = 'failed_jobs' AND column_name ="
                                       " 'consumer_group'"):
                    break
                await asyncio.sleep(0.5)
            now = failed_at or datetime.now(UTC)
            session = event["data"]["sessionId"]
            headers = [["x-attempt", "3"], ["x-origin", f"{topic}:0:{offset}"],
                       ["x-last-error", "TransientError: PostgreSQL write failed"]]
            return int(await conn.fetchval(
                "INSERT INTO internal.failed_jobs (worker, source_topic, partition, \"offset\","
                " message_key, payload, error_type, error_message, stack_trace, attempts,"
                " first_failed_at, last_failed_at, consumer_group, reason, session_id, headers)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11,$12,$13,$14,$15::jsonb)"
                " RETURNING id",
                "interview-agent", topic, 0, offset, session.encode(),
                json.dumps(event).encode(), "TransientError",
                "PostgreSQL write failed: ConnectionDoesNotExistError",
                "Traceback (most recent call last):\n  File \"agents/interview.py\"\n"
                "TransientError: PostgreSQL write failed", 5, now, group, "retries_exhausted",
                session, json.dumps(headers)))
        finally:
            await conn.close()

    return asyncio.run(insert())


def fetch(database_url: str, query: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of one query, as dicts."""

    async def run() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(database_url)
        try:
            return [dict(r) for r in await conn.fetch(query, *args)]
        finally:
            await conn.close()

    return asyncio.run(run())


def missing_tool(what: str) -> None:
    """Fail when the run promised its tools (scripts/test.sh, CI), skip elsewhere."""
    require(what, "scripts/install_browser.sh")

