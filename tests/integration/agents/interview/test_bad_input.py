"""Bad input goes to the dead-letter topic with its reason; the worker carries on."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch, wait_for
from tests.support.kafka import publish_raw, read_topic
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

TS = "2026-01-05T09:00:00Z"


def valid(session: str, n: int) -> bytes:
    return json.dumps({"type": "ai-interaction", "data": {
        "sessionId": session, "timestamp": TS, "candidateMessage": f"question {n}",
        "aiResponse": "answer", "toolsUsed": [], "filesModified": []}}).encode()


CASES: list[tuple[str, bytes, str, str]] = [
    ("not-json", b"{this is not json", "malformed", "not valid UTF-8 JSON"),
    ("no-session", json.dumps({"type": "test-run", "data": {
        "timestamp": TS, "passed": 1, "failed": 0, "total": 1, "output": ""}}).encode(),
     "invalid", "data.sessionId: Field required"),
    ("wrong-types", json.dumps({"type": "test-run", "data": {
        "sessionId": "s-bad", "timestamp": TS, "passed": "1", "failed": 0, "total": 1,
        "output": ""}}).encode(), "invalid", "data.passed: Input should be a valid integer"),
    ("passed-over-total", json.dumps({"type": "test-run", "data": {
        "sessionId": "s-bad", "timestamp": TS, "passed": 5, "failed": 0, "total": 3,
        "output": ""}}).encode(), "invalid", "passed (5) + failed (0) exceeds total (3)"),
    ("unknown-type", json.dumps({"type": "self-destruct", "data": {
        "sessionId": "s-bad", "timestamp": TS}}).encode(), "unknown_type", "self-destruct"),
    ("too-large", valid("s-big", 0)[:-2] + b', "pad": "' + b"x" * 1_100_000 + b'"}}',
     "too_large", "over the 1000000-byte limit"),
]


def dlq_by_source(records: list[Any]) -> dict[str, dict[str, str]]:
    return {dict(r.headers)["x-dlq-source"].decode(): {
        k: v.decode() for k, v in r.headers} | {"value": r.value} for r in records}


def test_each_kind_of_bad_input_is_dead_lettered_with_its_reason(
        stack: StackInfo, database_url: str, topic_prefix: str,
        interview_worker: WorkerProcess) -> None:
    topic = f"{topic_prefix}interview"
    records = [(b"s-ok", valid("s-ok", 0))]
    for name, raw, _, _ in CASES:
        records += [(name.encode(), raw), (b"s-ok", valid("s-ok", len(records)))]
    asyncio.run(publish_raw(stack.bootstrap_servers, topic, records))
    asyncio.run(wait_for(database_url, "SELECT * FROM internal.session_metrics "
                         "WHERE session_id = 's-ok'",
                         lambda rows: rows and rows[0]["events_applied"] == len(CASES) + 1))
    dead = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic}.dlq", expect=len(CASES)))
    assert len(dead) == len(CASES)
    by_key = {r.key.decode(): r for r in dead}
    for name, raw, reason, text in CASES:
        headers = {k: v.decode() for k, v in by_key[name].headers}
        assert headers["x-dlq-reason"] == reason, name
        assert text in headers["x-dlq-error"], name
        if reason != "too_large":
            assert by_key[name].value == raw  # the original bytes
    failed = asyncio.run(fetch(database_url, "SELECT error_type, error_message FROM "
                               "internal.failed_jobs"))
    assert len(failed) == len(CASES)
    metrics = interview_worker.get("/metrics")
    assert 'interviewlm_dead_letters_total{reason="malformed"' in metrics


junk = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.builds(lambda d: json.dumps(d).encode(), st.dictionaries(
        st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=20), st.none()),
        max_size=4)),
    st.builds(lambda n, v: json.dumps({"type": "test-run", "data": {
        "sessionId": "s-prop", "timestamp": TS, "passed": v, "failed": 0, "total": n,
        "output": ""}}).encode(), st.integers(-5, 5), st.one_of(st.text(max_size=3),
                                                                 st.floats(), st.none())),
    st.builds(lambda cut: valid("s-prop", 1)[:cut], st.integers(1, 60)),
)


@settings(max_examples=2, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.lists(junk, min_size=40, max_size=40))
def test_malformed_truncated_huge_and_mistyped_messages_never_stop_the_worker(
        stack: StackInfo, database_url: str, topic_prefix: str,
        interview_worker: WorkerProcess, bad: list[bytes]) -> None:
    topic = f"{topic_prefix}interview"
    before = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic}.dlq"))
    session = f"s-good-{len(before)}"
    records: list[tuple[bytes | None, bytes]] = []
    for i, raw in enumerate(bad):
        records += [(session.encode(), valid(session, i)), (None, raw)]
    records.append((b"huge", b"x" * 1_200_000))
    asyncio.run(publish_raw(stack.bootstrap_servers, topic, records))
    asyncio.run(wait_for(database_url, "SELECT * FROM internal.session_metrics "
                         "WHERE session_id = $1", lambda rows: rows and rows[0][
                             "events_applied"] == len(bad), 60, session))
    after = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic}.dlq",
                                   expect=len(before) + len(bad) + 1))
    new = after[len(before):]
    assert len(new) == len(bad) + 1
    assert all(dict(r.headers)["x-dlq-reason"] for r in new)
    assert interview_worker.proc is not None and interview_worker.proc.poll() is None
