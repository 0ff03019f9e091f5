"""The board as an on-call operator uses it, against a real worker (interview and
evaluation agents), Kafka and PostgreSQL: only this group's jobs, search by topic,
reason, session and time, the job detail page (redacted payload, headers, history),
the session page, retry and purge of exactly what was confirmed, and pausing an
agent's consumption."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiokafka import AIOKafkaProducer

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
from tests.support.kafka import publish_json
from tests.support.stack import fresh_database, unique
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

PII = "My e-mail is ann.candidate@example.com and my code is secret"


@dataclass
class Floor:
    worker: WorkerProcess
    http: Http
    db: str
    topic: str
    sessions: list[str]
    other_group_job: int


async def _send(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in records:
            await producer.send(topic, value, key=key,
                                headers=[("traceparent", b"00-4bf92f35-00f067aa-01")])
        await producer.flush()
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
def floor(stack: StackInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Floor]:
    tmp = tmp_path_factory.mktemp("operator")
    for db in fresh_database(stack):
        prefix = unique("t") + "."
        topic = f"{prefix}interview"
        worker = start_worker(stack, db, prefix, tmp, agents="interview,evaluation",
                              extra={"DATA_DIR": str(tmp / "data")})
        try:
            plans = plan_sessions(2, 16, prefix="op")
            asyncio.run(publish_json(stack.bootstrap_servers, topic,
                                     [e for p in plans for e in generate_session(p).events]))
            invalid = {"type": "ai-interaction", "data": {
                "sessionId": "s-pii", "timestamp": "2026-01-05T09:00:00Z",
                "candidateMessage": PII}}
            asyncio.run(_send(stack.bootstrap_servers, topic,
                              [(f"bad-{i}".encode(), b'{"type": "test-run", ') for i in range(3)]
                              + [(b"s-pii", json.dumps(invalid).encode())]))
            other = insert_failed_job(db, topic, generate_session(plans[0]).events[0],
                                      offset=777, group="someone-elses-group")
            http = Http(worker.port)
            wait_for(lambda h=http: h.api("/admin/api/failed")["total"] == 4, 90,
                     "four dead letters of this group")
            sessions = [p.session_id for p in plans]
            wait_for(lambda d=db: len(fetch(d, "SELECT 1 FROM internal.evaluations")) == 2, 120,
                     "both sessions evaluated")
            yield Floor(worker, http, db, topic, sessions, other)
        finally:
            worker.stop()


def _ids(floor: Floor, **query: str) -> list[int]:
    body = floor.http.api("/admin/api/failed?" + "&".join(
        f"{k}={quote(v)}" for k, v in query.items()))
    return sorted(j["id"] for j in body["jobs"])


def test_only_this_groups_jobs_are_listed_shown_or_deleted(floor: Floor) -> None:
    listed = floor.http.api("/admin/api/failed")
    assert floor.other_group_job not in [j["id"] for j in listed["jobs"]]
    assert listed["group"] == floor.worker.env["APP_ID"]
    assert floor.http.call(f"/admin/jobs/{floor.other_group_job}", key=API_KEY)[0] == 404
    status, _, body = floor.http.call("/admin/failed/purge", key=API_KEY,
                                      form={"id": str(floor.other_group_job)})
    assert status == 200 and json.loads(body) == {"purged": []}
    assert fetch(floor.db, "SELECT 1 FROM internal.failed_jobs WHERE id = $1",
                 floor.other_group_job)


def test_search_by_topic_reason_session_and_time(floor: Floor) -> None:
    everything = _ids(floor)
    assert len(everything) == 4
    malformed = _ids(floor, reason="malformed")
    assert len(malformed) == 3
    (invalid,) = _ids(floor, reason="invalid")
    assert _ids(floor, session="s-pii") == [invalid]
    assert _ids(floor, topic=floor.topic) == everything
    assert _ids(floor, topic=floor.topic + ".retry") == []
    soon = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert _ids(floor, since=soon) == [] and _ids(floor, until=soon) == everything
    assert floor.http.api("/admin/api/failed?since=yesterday")["problems"]
    page = floor.http.call("/admin/queues?reason=malformed", key=API_KEY)[2]
    assert sorted(int(i) for i in re.findall(r'<tr class="job" id="job-(\d+)"', page)) \
        == malformed
    assert 'value="malformed"' in page and "Purge all 3 matching" in page


def test_job_detail_shows_redacted_payload_headers_and_history(floor: Floor) -> None:
    (job_id,) = _ids(floor, session="s-pii")
    status, _, page = floor.http.call(f"/admin/jobs/{job_id}", key=API_KEY)
    assert status == 200
    assert "ann.candidate@example.com" not in page and "secret" not in page
    assert f"[redacted: {len(PII)} characters]" in page
    assert "traceparent" in page and "00-4bf92f35-00f067aa-01" in page
    assert 'id="job-reason">invalid<' in page and "Dead-lettered (invalid)" in page
    assert 'href="/admin/sessions/s-pii"' in page
    detail = floor.http.api(f"/admin/api/jobs/{job_id}")
    assert json.loads(detail["payload"])["data"]["sessionId"] == "s-pii"
    assert detail["headers"] == [["traceparent", "00-4bf92f35-00f067aa-01"]]
    malformed = _ids(floor, reason="malformed")[0]
    page = floor.http.call(f"/admin/jobs/{malformed}", key=API_KEY)[2]
    assert "not valid UTF-8 JSON" in page and '"type": "test-run"' not in page


def test_session_page_has_events_theta_path_indicators_and_evaluation(floor: Floor) -> None:
    session = floor.sessions[0]
    status, _, page = floor.http.call(f"/admin/sessions/{session}", key=API_KEY)
    assert status == 200
    stored = fetch(floor.db, "SELECT event_type FROM internal.session_events WHERE"
                             " session_id = $1 ORDER BY partition, \"offset\"", session)
    shown = re.findall(r'<tr class="event" data-type="([a-z-]+)">', page)
    assert shown == [r["event_type"] for r in stored] and shown[0] == "session-started"
    answered = fetch(floor.db, "SELECT count(*) AS n FROM internal.theta_trajectory"
                               " WHERE session_id = $1", session)[0]["n"]
    assert answered > 0 and page.count('class="theta-row"') == answered
    assert 'class="se-band"' in page and 'id="theta"' in page
    data = floor.http.api(f"/admin/api/sessions/{session}")
    assert data["evaluation"]["dimensions"] and 'id="overall"' in page
    for dimension in data["evaluation"]["dimensions"].values():
        assert all("snippet" not in item for item in dimension["evidence"])
    assert floor.http.call("/admin/sessions/never-seen", key=API_KEY)[0] == 404


def _session_cookie(http: Http) -> tuple[dict[str, str], str]:
    status, headers, _ = http.call("/admin/login", form={"key": API_KEY,
                                                         "next": "/admin/queues"})
    assert status == 303
    cookie = {"Cookie": headers["Set-Cookie"].split(";", 1)[0]}
    page = http.call("/admin/queues", headers=cookie)[2]
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    return cookie, token.group(1)


def test_purge_deletes_exactly_the_confirmed_selection(floor: Floor) -> None:
    cookie, csrf = _session_cookie(floor.http)
    extra = [insert_failed_job(floor.db, floor.topic, {"type": "session-started", "data": {
        "sessionId": f"sel-{i}"}}, offset=5000 + i, group=floor.worker.env["APP_ID"])
        for i in range(3)]
    form: Any = [("csrf", csrf), ("id", str(extra[0])), ("id", str(extra[2]))]
    status, _, asked = floor.http.call("/admin/failed/purge", headers=cookie, form=form)
    assert status == 200 and f'data-ids="{extra[0]},{extra[2]}"' in asked
    assert len(fetch(floor.db, "SELECT 1 FROM internal.failed_jobs WHERE id = ANY($1)",
                     extra)) == 3
    status, headers, _ = floor.http.call("/admin/failed/purge", headers=cookie,
                                         form=[*form, ("confirm", "1")])
    assert status == 303 and headers["Location"].startswith("/admin/queues?purged=2")
    left = fetch(floor.db, "SELECT id FROM internal.failed_jobs WHERE id = ANY($1)", extra)
    assert [r["id"] for r in left] == [extra[1]]
    # Cleaning a topic names this group's jobs of it, and only those.
    asked = floor.http.call("/admin/failed/purge", headers=cookie, form={
        "csrf": csrf, "scope": "topic", "topic": floor.topic})[2]
    named = [int(i) for i in re.search(r'data-ids="([\d,]*)"', asked).group(1).split(",")]
    assert extra[1] in named and floor.other_group_job not in named
    assert sorted(named) == _ids(floor)


def test_pausing_an_agent_stops_its_consumption_until_resumed(floor: Floor) -> None:
    http = floor.http
    status, _, body = http.call("/admin/agents/pause", key=API_KEY, form={"agent": "interview"})
    assert status == 200 and json.loads(body) == {"agent": "interview", "state": "paused"}
    page = http.call("/admin/queues", key=API_KEY)[2]
    assert 'id="agent-interview" data-agent="interview" data-paused="1"' in page
    try:
        plan = plan_sessions(1, 10, prefix="paused")[0]
        events = generate_session(plan).events
        asyncio.run(publish_json(floor.worker.env["KAFKA_BOOTSTRAP_SERVERS"], floor.topic,
                                 events))
        wait_for(lambda: (next(t for t in http.api("/admin/api/topics")["topics"]
                               if t["name"] == floor.topic)["lag"] or 0) >= len(events),
                 60, "the paused agent's lag to show the new events")
        assert fetch(floor.db, "SELECT 1 FROM internal.session_events WHERE session_id = $1",
                     plan.session_id) == []
    finally:
        status, _, body = http.call("/admin/agents/resume", key=API_KEY,
                                    form={"agent": "interview"})
    assert json.loads(body)["state"] == "resumed"
    wait_for(lambda: len(fetch(floor.db, "SELECT 1 FROM internal.session_events WHERE"
                                         " session_id = $1", plan.session_id)) == len(events),
             60, "the events stored once resumed")
    assert http.call("/admin/agents/pause", key=API_KEY, form={"agent": "bogus"})[0] == 404


def test_filter_wide_retry_asks_with_exactly_the_matching_ids(floor: Floor) -> None:
    cookie, csrf = _session_cookie(floor.http)
    asked = floor.http.call("/admin/failed/retry", headers=cookie, form={
        "csrf": csrf, "scope": "filter", "reason": "malformed"})[2]
    named = sorted(int(i) for i in re.search(r'data-ids="([\d,]*)"', asked).group(1).split(","))
    assert named == _ids(floor, reason="malformed")


def test_pages_need_the_key(floor: Floor, tmp_path: Path) -> None:
    for path in ("/admin/jobs/1", "/admin/sessions/s-pii", "/admin/api/jobs/1",
                 "/admin/api/sessions/s-pii"):
        assert floor.http.call(path)[0] == 401, path
    for path in ("/admin/agents/pause", "/admin/agents/resume"):
        assert floor.http.call(path, form={"agent": "interview"})[0] == 401, path
