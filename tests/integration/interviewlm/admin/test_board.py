"""The admin board on a real worker: access control, figures against the broker,
failed jobs, retry through the board, and the consumer-lag gauge."""

from __future__ import annotations

import asyncio
import html
import json
import re
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from interviewlm.synthetic import generate_session, plan_sessions
from tests.integration.interviewlm.admin.board import (
    API_KEY,
    Http,
    fetch,
    insert_failed_job,
    start_worker,
    wait_for,
)
from tests.integration.interviewlm.admin.conftest import Board
from tests.support.kafka import publish_json, publish_raw, read_topic

pytestmark = pytest.mark.integration

MALFORMED = b'{"type": "session-started", "data": {"sessionId": "broken-1", <oops>'


@pytest.fixture(scope="module")
def published(board: Board) -> int:
    """One simulated session plus one malformed message; returns messages published."""
    events = generate_session(plan_sessions(1, 12, prefix="board")[0]).events
    asyncio.run(publish_json(board.bootstrap, board.interview_topic, events))
    asyncio.run(publish_raw(board.bootstrap, board.interview_topic,
                            [(b"broken-1", MALFORMED)]))
    return len(events) + 1


def _malformed_job(board: Board) -> dict[str, object] | None:
    jobs = board.http.api("/admin/api/failed")["jobs"]
    return next((j for j in jobs if j["source_topic"] == board.interview_topic
                 and j["error_type"] == "MalformedMessage"), None)


def test_every_route_refuses_missing_or_wrong_key(board: Board) -> None:
    http = board.http
    for path in ("/admin/queues", "/admin/api/failed", "/admin/api/topics",
                 "/admin/api/workers", "/admin/api/stats", "/admin"):
        assert http.call(path)[0] == 401, path
        assert http.call(path, key="wrong-key")[0] == 401, path
        assert http.call(path, key=API_KEY.upper())[0] == 401, path
    for path in ("/admin/failed/retry", "/admin/failed/purge", "/admin/logout"):
        assert http.call(path, form={"id": "1"})[0] == 401, path
        assert http.call(path, key="wrong-key", form={"id": "1"})[0] == 401, path
    forged = {"Cookie": "interviewlm_admin=eyJlIjo5OTk5OTk5OTk5LCJuIjoiYSJ9.deadbeef"}
    assert http.call("/admin/api/failed", headers=forged)[0] == 401
    # A browser without a session is sent to the login form, keeping where it was going.
    status, headers, _ = http.call("/admin/queues?page=2", headers={"Accept": "text/html"})
    assert status == 303
    assert headers["Location"] == "/admin/login?next=%2Fadmin%2Fqueues%3Fpage%3D2"
    status, _, body = http.call("/admin/queues", key=API_KEY)
    assert status == 200 and "<h2>Topics</h2>" in body
    assert http.call("/admin/api/failed", key=API_KEY)[0] == 200


def test_figures_match_the_broker_and_the_failed_job_is_listed(board: Board,
                                                              published: int) -> None:
    job = wait_for(lambda: _malformed_job(board), 60, "the malformed message's failed job")
    assert job["status"] == "failed" and job["attempts"] >= 1
    assert job["error_type"] and job["error_message"]

    def settled() -> dict[str, dict[str, object]] | None:
        topics = {t["name"]: t for t in board.http.api("/admin/api/topics")["topics"]}
        return topics if topics[board.interview_topic]["lag"] == 0 else None

    topics = wait_for(settled, 60, "the group to commit every interview message")
    # Reality: every record on the topics, read from the start. The interview topic
    # also holds the agent's own adjust-difficulty commands, so it has more than we sent.
    source = asyncio.run(read_topic(board.bootstrap, board.interview_topic, timeout=10))
    dlq = asyncio.run(read_topic(board.bootstrap, f"{board.interview_topic}.dlq", 1))
    assert len(source) >= published and len(dlq) == 1
    interview = topics[board.interview_topic]
    assert interview["messages"] == len(source)
    assert [p["partition"] for p in interview["partitions"]] == [0, 1, 2, 3]
    for part in interview["partitions"]:
        assert part["messages"] == sum(1 for r in source if r.partition == part["partition"])
        assert part["committed"] == part["end"] or part["messages"] == 0
    assert topics[f"{board.interview_topic}.dlq"]["messages"] == 1
    assert topics[f"{board.interview_topic}.dlq"]["lag"] is None  # the group does not read it
    changelog = [t for t in topics.values() if t["kind"] == "changelog"]
    assert len(changelog) == 1 and changelog[0]["exists"] and changelog[0]["messages"] > 0

    status, _, page = board.http.call("/admin/queues", key=API_KEY)
    assert status == 200
    row = re.search(rf'<tr class="topic" data-topic="{re.escape(board.interview_topic)}" '
                    r'data-messages="(\d+)">', page)
    assert row and int(row.group(1)) == len(source)
    assert f'id="job-{job["id"]}"' in page
    assert html.escape(str(job["error_message"])) in page


def test_workers_and_throughput(board: Board, published: int) -> None:
    workers = board.http.api("/admin/api/workers")
    assert workers["recovery_complete"] is True and workers["state"] == "Stable"
    assert len(workers["members"]) == 1
    member = workers["members"][0]
    assert member["actives"][board.interview_topic] == [0, 1, 2, 3]
    assert workers["assigned"][board.interview_topic] == [0, 1, 2, 3]

    def processed() -> float | None:
        stats = board.http.api("/admin/api/stats")
        total = sum(r["total"] for r in stats["by_topic"] if r["topic"] == board.interview_topic)
        return total if total >= published else None

    wait_for(processed, 60, "every published message counted as processed")
    stats = board.http.api("/admin/api/stats")
    timing = next(t for t in stats["processing_seconds"] if t["agent"] == "interview")
    assert timing["batches"] >= 1 and 0 < timing["p50"] <= timing["p95"] <= timing["p99"]


def test_retry_from_the_board_processes_the_event(board: Board) -> None:
    event = generate_session(plan_sessions(1, 12, prefix="retry")[0]).events[0]
    session_id = event["data"]["sessionId"]
    job_id = insert_failed_job(board.database_url, board.interview_topic, event,
                               group=board.group)
    listed = board.http.api("/admin/api/failed")["jobs"]
    assert any(j["id"] == job_id and j["status"] == "failed" for j in listed)
    page = board.http.call("/admin/queues", key=API_KEY)[2]
    assert "<details><summary>stack trace</summary><pre>Traceback" in page

    status, _, body = board.http.call("/admin/failed/retry", key=API_KEY,
                                      form={"id": str(job_id)})
    assert status == 200 and json.loads(body) == {"retried": [job_id]}

    rows = wait_for(lambda: fetch(board.database_url,
                                  "SELECT event_type FROM internal.session_events"
                                  " WHERE session_id = $1", session_id), 60,
                    "the retried event in internal.session_events")
    assert [r["event_type"] for r in rows] == ["session-started"]
    (job,) = fetch(board.database_url,
                   "SELECT status, retried_at FROM internal.failed_jobs WHERE id = $1", job_id)
    assert job["status"] == "retried" and job["retried_at"] is not None
    # Retrying twice republishes nothing.
    status, _, body = board.http.call("/admin/failed/retry", key=API_KEY,
                                      form={"id": str(job_id)})
    assert status == 200 and json.loads(body) == {"retried": []}


def test_session_cookie_login_and_csrf(board: Board) -> None:
    http = board.http
    status, _, body = http.call("/admin/login", form={"key": "wrong", "next": "/admin/queues"})
    assert status == 401 and "not right" in body
    status, headers, _ = http.call("/admin/login",
                                   form={"key": API_KEY, "next": "https://evil.example/"})
    assert status == 303 and headers["Location"] == "/admin/queues"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert API_KEY not in cookie
    session = {"Cookie": cookie.split(";", 1)[0]}

    status, _, page = http.call("/admin/queues", headers=session)
    assert status == 200
    token = re.search(r'name="csrf" value="([A-Za-z0-9_-]{20,})"', page)
    assert token is not None
    job_id = insert_failed_job(board.database_url, board.interview_topic,
                               {"type": "session-started", "data": {"sessionId": "purge-me"}},
                               offset=900_001, group=board.group)
    assert http.call("/admin/failed/purge", headers=session,
                     form={"id": str(job_id)})[0] == 403
    assert http.call("/admin/failed/purge", headers=session,
                     form={"id": str(job_id), "csrf": "0" * 64})[0] == 403
    # A person is asked first: the page lists exactly the job, and nothing is deleted yet.
    status, _, asked = http.call("/admin/failed/purge", headers=session,
                                 form={"id": str(job_id), "csrf": token.group(1)})
    assert status == 200 and f'data-ids="{job_id}"' in asked
    assert fetch(board.database_url, "SELECT id FROM internal.failed_jobs WHERE id = $1", job_id)
    status, headers, _ = http.call("/admin/failed/purge", headers=session,
                                   form={"id": str(job_id), "csrf": token.group(1),
                                         "confirm": "1"})
    assert status == 303 and headers["Location"].startswith("/admin/queues?purged=1")
    assert not fetch(board.database_url, "SELECT id FROM internal.failed_jobs WHERE id = $1",
                     job_id)


def test_consumer_lag_gauge(board: Board, published: int) -> None:
    """The lag timer (every 15 s) exports the group's lag on our topics, 0 once caught up."""
    pattern = re.compile(
        r'interviewlm_consumer_lag_messages\{group="([^"]+)",partition="(\d)",'
        rf'topic="{re.escape(board.interview_topic)}"\}} (\S+)')

    def lag_series() -> list[tuple[str, str, float]] | None:
        found = [(g, p, float(v)) for g, p, v in pattern.findall(board.worker.get("/metrics"))]
        return found if len(found) == 4 else None

    def caught_up() -> list[tuple[str, str, float]] | None:
        series = lag_series()
        return series if series and all(v == 0 for _, _, v in series) else None

    series = wait_for(caught_up, 60, "four interview-partition lag series at 0")
    assert {g for g, _, _ in series} == {board.worker.env["APP_ID"]}


def test_board_refuses_everything_without_a_key(stack: StackInfo, database_url: str,
                                                topic_prefix: str, tmp_path: Path) -> None:
    worker = start_worker(stack, database_url, topic_prefix, tmp_path, key=None)
    try:
        http = Http(worker.port)
        for path in ("/admin/queues", "/admin/login", "/admin/api/failed", "/admin/api/topics"):
            status, _, body = http.call(path, key="anything")
            assert status == 403 and "INTERNAL_API_KEY" in body, path
        assert http.call("/admin/login", form={"key": ""})[0] == 403
        assert http.call("/admin/failed/retry", key="", form={"all": "1"})[0] == 403
    finally:
        worker.stop()
