"""The admin board in headless Chromium, as an operator uses it: log in through the
form, read the figures, retry a failed job (confirmed) and see the worker process
it; search by session id, open the job's page and follow it to the session page;
purge two ticked jobs (confirmed); pause and resume an agent; watch the board
refresh itself; and use it at 420 px. Screenshots of each go to docs/screenshots.

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
from tests.integration.interviewlm.admin.board import (
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

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = Path(__file__).with_name("browser_board.cjs")
PLAYWRIGHT = ROOT / ".cache" / "node" / "node_modules" / "playwright-core"
SHOTS = ROOT / "docs" / "screenshots"
SCREENSHOTS = ("admin-board.png", "admin-search.png", "admin-job.png", "admin-session.png",
               "admin-phone.png")


def _require_browser() -> str:
    node = shutil.which("node")
    if not Path("/usr/bin/chromium").exists():
        missing_tool("chromium (/usr/bin/chromium)")
    if node is None or not (PLAYWRIGHT / "package.json").exists():
        missing_tool("node with playwright-core in .cache/node")
    assert node is not None
    return node


def _drive_browser(node: str, port: int, tmp_path: Path, **values: str) -> dict[str, Any]:
    """Run browser_board.cjs against the worker on ``port``; what the pages showed."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    run = subprocess.run(
        [node, str(SCRIPT)], capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
             "BOARD_URL": f"http://127.0.0.1:{port}", "BOARD_KEY": API_KEY,
             "SHOTS": str(SHOTS), "PLAYWRIGHT_CORE": str(PLAYWRIGHT),
             "PROFILE_DIR": str(profile), **values})
    assert run.returncode == 0, run.stderr[-3000:]
    return dict(json.loads(run.stdout))


def _workload(bootstrap: str, topic: str) -> tuple[int, list[str]]:
    """Three simulated sessions and one malformed message; events published, session ids."""
    plans = plan_sessions(3, 14, prefix="board")
    events = [e for plan in plans for e in generate_session(plan).events]
    asyncio.run(publish_json(bootstrap, topic, events))
    asyncio.run(publish_raw(bootstrap, topic,
                            [(b"broken-7", b'{"type": "test-run", "data": <truncated')]))
    return len(events), [p.session_id for p in plans]


def test_operator_uses_the_board_in_a_browser(stack: StackInfo, database_url: str,
                                              topic_prefix: str, tmp_path: Path) -> None:
    node = _require_browser()
    topic = f"{topic_prefix}interview"
    worker = start_worker(stack, database_url, topic_prefix, tmp_path,
                          agents="interview,evaluation")
    group = worker.env["APP_ID"]
    try:
        http = Http(worker.port)
        published, sessions = _workload(stack.bootstrap_servers, topic)
        event = generate_session(plan_sessions(1, 12, prefix="retried")[0]).events[0]
        session_id = event["data"]["sessionId"]
        job_id = insert_failed_job(database_url, topic, event, group=group)
        # One event of a stored, evaluated session that failed for good: its page is full.
        stored = {"type": "test-run", "data": {"sessionId": sessions[0], "passed": 2,
                                               "failed": 1, "total": 3, "output": "x",
                                               "timestamp": "2026-01-05T09:00:00Z"}}
        detail_job = insert_failed_job(database_url, topic, stored, offset=900_100, group=group)
        purge = [insert_failed_job(database_url, topic, {"type": "session-started", "data": {
            "sessionId": f"purge-{i}"}}, offset=900_200 + i, group=group) for i in range(2)]
        wait_for(lambda: http.api("/admin/api/failed")["total"] >= 5, 60, "the failed jobs")
        wait_for(lambda: next(t for t in http.api("/admin/api/topics")["topics"]
                              if t["name"] == topic)["lag"] == 0, 60, "the group to catch up")
        wait_for(lambda: fetch(database_url, "SELECT 1 FROM internal.evaluations WHERE"
                                             " session_id = $1", sessions[0]), 120,
                 "the session's evaluation")
        topics_before = {t["name"]: t["messages"] for t in http.api("/admin/api/topics")["topics"]}
        seen = _drive_browser(node, worker.port, tmp_path, JOB_ID=str(job_id), TOPIC=topic,
                              DETAIL_JOB=str(detail_job), SESSION=sessions[0],
                              PURGE_JOBS=",".join(str(i) for i in purge))
    finally:
        worker.stop()
    _check_what_the_page_showed(seen, topic, topics_before, published, job_id)
    _check_the_operator_pages(seen, detail_job, sessions[0], purge)
    rows = fetch(database_url, "SELECT event_type FROM internal.session_events"
                               " WHERE session_id = $1", session_id)
    assert [r["event_type"] for r in rows] == ["session-started"]
    assert not fetch(database_url, "SELECT 1 FROM internal.failed_jobs WHERE id = ANY($1)",
                     purge)
    for name in SCREENSHOTS:
        assert (SHOTS / name).stat().st_size > 10_000, name


def _check_what_the_page_showed(seen: dict[str, Any], topic: str,
                                topics_before: dict[str, int], published: int,
                                job_id: int) -> None:
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
    assert before["failedOpen"] == 5

    assert seen["retryAsked"] == str(job_id)
    after = seen["afterClick"]
    assert after["notice"] == "Republished 1 failed job(s) to their source topics."
    assert after["jobStatus"] == "retried" and after["jobHasRetry"] is False
    assert after["failedOpen"] == 4
    processed = seen["processed"]
    assert processed["topics"][topic] == before["topics"][topic] + 1
    assert processed["lag"] == 0


def _check_the_operator_pages(seen: dict[str, Any], detail_job: int, session: str,
                              purge: list[int]) -> None:
    search = seen["search"]
    assert search["sessionField"] == session and search["jobs"] == [detail_job]
    detail = seen["detail"]
    assert '"sessionId": "' + session + '"' in detail["payload"]
    assert '"output": "[redacted: 1 characters]"' in detail["payload"]
    assert detail["headers"] == ["x-attempt", "x-origin", "x-last-error"]
    assert any("Attempts 1 to 2 failed" in line for line in detail["history"])
    assert detail["stack"].startswith("Traceback")
    page = seen["session"]
    assert page["path"] == f"/admin/sessions/{session}"
    assert page["events"][0] == "session-started" and "session-complete" in page["events"]
    assert page["thetaRows"] > 0 and page["band"] is True
    assert page["dimensions"] and page["evidence"] > 0
    assert seen["purgeAsked"] == ",".join(str(i) for i in sorted(purge))
    assert seen["purged"] == {"notice": "Deleted 2 failed job(s).", "stillListed": []}
    assert (seen["paused"], seen["resumed"]) == ("1", "0")
    first, second = seen["refreshed"]
    assert first != second
    phone = seen["phone"]
    assert phone["width"] <= 420, phone["wide"]
    assert phone["buttons"] > 0 and phone["cutOff"] == []
    assert seen["phoneJobWidth"] <= 420 and seen["phoneSessionWidth"] <= 420
