"""The admin board in headless Chromium: log in through the form, read the figures,
click Retry on a failed job, see the worker process it, and keep a screenshot.

Needs /usr/bin/chromium and playwright-core in .cache/node (both from
``bash scripts/install_browser.sh``): missing, the test fails under CI=true and
is skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from interviewlm.stack import StackInfo
from interviewlm.synthetic import generate_session, plan_sessions
from tests.integration.admin.board import (
    API_KEY,
    Http,
    fetch,
    insert_failed_job,
    missing_tool,
    start_worker,
    wait_for,
)
from tests.support.kafka import publish_json, publish_raw

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("browser_board.cjs")
PLAYWRIGHT = ROOT / ".cache" / "node" / "node_modules" / "playwright-core"
SCREENSHOT = ROOT / "docs" / "screenshots" / "admin-board.png"


def _require_browser() -> str:
    node = shutil.which("node")
    if not Path("/usr/bin/chromium").exists():
        missing_tool("chromium (/usr/bin/chromium)")
    if node is None or not (PLAYWRIGHT / "package.json").exists():
        missing_tool("node with playwright-core in .cache/node")
    assert node is not None
    return node


def _drive_browser(node: str, port: int, job_id: int, topic: str, tmp_path: Path
                   ) -> dict[str, Any]:
    """Run browser_board.cjs against the worker on ``port``; what the page showed."""
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    run = subprocess.run(
        [node, str(SCRIPT)], capture_output=True, text=True, timeout=240,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
             "BOARD_URL": f"http://127.0.0.1:{port}", "BOARD_KEY": API_KEY,
             "JOB_ID": str(job_id), "TOPIC": topic, "SCREENSHOT": str(SCREENSHOT),
             "PLAYWRIGHT_CORE": str(PLAYWRIGHT), "PROFILE_DIR": str(profile)})
    assert run.returncode == 0, run.stderr[-3000:]
    return dict(json.loads(run.stdout))


def _workload(bootstrap: str, topic: str) -> int:
    """Three simulated sessions and one malformed message; returns events published."""
    events = [e for plan in plan_sessions(3, 14, prefix="board")
              for e in generate_session(plan).events]
    asyncio.run(publish_json(bootstrap, topic, events))
    asyncio.run(publish_raw(bootstrap, topic,
                            [(b"broken-7", b'{"type": "test-run", "data": <truncated')]))
    return len(events)


def test_operator_logs_in_and_retries_a_failed_job(stack: StackInfo, database_url: str,
                                                   topic_prefix: str, tmp_path: Path) -> None:
    node = _require_browser()
    topic = f"{topic_prefix}interview"
    worker = start_worker(stack, database_url, topic_prefix, tmp_path)
    try:
        http = Http(worker.port)
        published = _workload(stack.bootstrap_servers, topic)
        event = generate_session(plan_sessions(1, 12, prefix="retried")[0]).events[0]
        session_id = event["data"]["sessionId"]
        job_id = insert_failed_job(database_url, topic, event, group=worker.env["APP_ID"])
        wait_for(lambda: http.api("/admin/api/failed")["total"] >= 2, 60, "both failed jobs")
        wait_for(lambda: next(t for t in http.api("/admin/api/topics")["topics"]
                              if t["name"] == topic)["lag"] == 0, 60, "the group to catch up")
        topics_before = {t["name"]: t["messages"] for t in http.api("/admin/api/topics")["topics"]}
        seen = _drive_browser(node, worker.port, job_id, topic, tmp_path)
    finally:
        worker.stop()
    _check_what_the_page_showed(seen, topic, topics_before, published)
    rows = fetch(database_url, "SELECT event_type FROM internal.session_events"
                               " WHERE session_id = $1", session_id)
    assert [r["event_type"] for r in rows] == ["session-started"]
    assert fetch(database_url, "SELECT 1 FROM internal.session_metrics WHERE session_id = $1",
                 session_id)
    assert SCREENSHOT.stat().st_size > 10_000


def _check_what_the_page_showed(seen: dict[str, Any], topic: str,
                                topics_before: dict[str, int], published: int) -> None:
    assert seen["redirectedTo"] == "/admin/login"
    assert "not right" in seen["wrongKeyError"]
    (cookie,) = seen["cookies"]
    assert cookie == {"name": "interviewlm_admin", "httpOnly": True, "sameSite": "Strict",
                      "path": "/admin"}
    before = seen["before"]
    assert before["cookieVisibleToScript"] is False
    # The figures on the page are the broker's.
    assert before["topics"] == topics_before
    assert before["topics"][topic] >= published + 1 and before["lag"] == 0
    assert before["recovery"] == "1"
    assert before["jobStatus"] == "failed" and before["jobHasRetry"] is True
    assert before["failedOpen"] == 2

    after = seen["afterClick"]
    assert after["notice"] == "Republished 1 failed job(s) to their source topics."
    assert after["jobStatus"] == "retried" and after["jobHasRetry"] is False
    assert after["failedOpen"] == 1
    processed = seen["processed"]
    assert processed["topics"][topic] == before["topics"][topic] + 1
    assert processed["lag"] == 0
