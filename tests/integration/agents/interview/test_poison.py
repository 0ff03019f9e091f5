"""Values PostgreSQL refuses never wedge a partition: refused or repaired at decode.

Each poison from the field report is published inside a flowing stream of good
events. Every good event is stored, every rejected poison is dead-lettered with its
reason, every repaired one is stored with its repairs and its original bytes, and
the group's committed offsets reach the end of the topic.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch, wait_for
from tests.support.kafka import committed_reach_end, publish_raw, read_topic
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

TS = "2026-01-05T09:00:00Z"


def chat(session: str, n: int, **extra: Any) -> dict[str, Any]:
    return {"type": "ai-interaction", "data": {
        "sessionId": session, "timestamp": TS, "candidateMessage": f"question {n}",
        "aiResponse": "answer", "toolsUsed": [], "filesModified": [], **extra}}


def body(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()  # NaN and Infinity come out as bare literals


#: name -> (message, reason it is dead-lettered with, text in the reason)
REJECTED: dict[str, tuple[bytes, str, str]] = {
    "nan-in-ignored-field": (body(chat("p-nan", 0, extra={"score": float("nan")})),
                             "unstorable", "data.extra.score: the number NaN"),
    "infinity": (body(chat("p-inf", 0, weight=float("inf"))), "unstorable", "Infinity"),
    "underflow": (body(chat("p-tiny", 0)).replace(b'"toolsUsed"', b'"tiny": 1e-400, '
                                                  b'"toolsUsed"'), "unstorable", "1e-400"),
    "max-timestamp": (body(chat("p-max", 0) | {"data": chat("p-max", 0)["data"] | {
        "timestamp": "9999-12-31T23:59:59-12:00"}}), "unstorable", "timestamp out of range"),
    "min-timestamp": (body(chat("p-min", 0) | {"data": chat("p-min", 0)["data"] | {
        "timestamp": "0001-01-01T00:00:00+14:00"}}), "unstorable", "timestamp out of range"),
    "nul-in-session-id": (body(chat("p-nul\x00id", 0)), "unstorable", "data.sessionId"),
    "surrogate-in-tool": (body(chat("p-tool", 0, toolsUsed=["\ud800"])), "unstorable",
                          "data.toolsUsed[0]"),
    "huge-integer": (body(chat("p-int", 0)).replace(b'"toolsUsed"', b'"n": ' + b"9" * 5000
                                                    + b', "toolsUsed"'), "malformed", "4300"),
    "byte-order-mark": (b"\xef\xbb\xbf" + body(chat("p-bom", 0)), "malformed",
                        "byte-order mark"),
}
#: name -> (session, message): stored with U+FFFD in place of the poison, repairs recorded.
REPAIRED: dict[str, tuple[str, bytes]] = {
    "nul-in-candidate-message": ("p-nul", body(chat("p-nul", 0) | {"data": chat("p-nul", 0)[
        "data"] | {"candidateMessage": "a\x00b"}})),
    "surrogate-in-candidate-message": ("p-sur", body(chat("p-sur", 0) | {"data": chat(
        "p-sur", 0)["data"] | {"candidateMessage": "a\ud800b"}})),
}
GOOD_SESSIONS = 6
GOOD_PER_SESSION = 12


def flowing_stream() -> list[tuple[bytes, bytes]]:
    """Good events of several sessions with every poison spread among them."""
    poisons = [(name.encode(), raw) for name, (raw, _, _) in REJECTED.items()]
    poisons += [(session.encode(), raw) for session, raw in REPAIRED.values()]
    records: list[tuple[bytes, bytes]] = []
    for n in range(GOOD_PER_SESSION):
        for s in range(GOOD_SESSIONS):
            session = f"good-{s}"
            records.append((session.encode(), body(chat(session, n))))
        if poisons:
            records.append(poisons.pop())
    assert not poisons
    return records


def test_every_poison_is_dead_lettered_or_repaired_and_the_partition_moves_on(
        stack: StackInfo, database_url: str, topic_prefix: str, worker_env: dict[str, str],
        interview_worker: WorkerProcess) -> None:
    topic = f"{topic_prefix}interview"
    asyncio.run(publish_raw(stack.bootstrap_servers, topic, list(flowing_stream())))
    sessions = [f"good-{s}" for s in range(GOOD_SESSIONS)] + [s for s, _ in REPAIRED.values()]
    rows = asyncio.run(wait_for(
        database_url, "SELECT session_id, events_applied FROM internal.session_metrics"
        " WHERE session_id = ANY($1)", lambda rows: len(rows) == len(sessions) and all(
            r["events_applied"] == (1 if r["session_id"].startswith("p-") else
                                    GOOD_PER_SESSION) for r in rows), 60, sessions))
    assert len(rows) == len(sessions)

    dead = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic}.dlq", expect=len(REJECTED)))
    by_key = {r.key.decode(): r for r in dead}
    assert set(by_key) == set(REJECTED)
    for name, (raw, reason, text) in REJECTED.items():
        headers = {k: v.decode() for k, v in by_key[name].headers}
        assert headers["x-dlq-reason"] == reason, name
        assert text in headers["x-dlq-error"], (name, headers["x-dlq-error"])
        assert by_key[name].value == raw, name
    failed = asyncio.run(fetch(database_url, "SELECT error_type FROM internal.failed_jobs"))
    assert len(failed) == len(REJECTED)

    stored = asyncio.run(fetch(database_url, "SELECT session_id, payload::text, repairs::text,"
                               " received FROM internal.session_events WHERE session_id ="
                               " ANY($1)", [s for s, _ in REPAIRED.values()]))
    originals = dict(REPAIRED.values())
    assert {r["session_id"] for r in stored} == set(originals)
    for row in stored:
        payload = json.loads(row["payload"])
        assert payload["data"]["candidateMessage"] == "a\ufffdb"
        kind = "nul" if row["session_id"] == "p-nul" else "lone_surrogate"
        assert json.loads(row["repairs"]) == [
            {"field": "data.candidateMessage", "kind": kind, "count": 1}]
        assert bytes(row["received"]) == originals[row["session_id"]]
    good = asyncio.run(fetch(database_url, "SELECT count(*) AS n FROM internal.session_events"
                             " WHERE session_id LIKE 'good-%' AND repairs IS NULL"))
    assert good[0]["n"] == GOOD_SESSIONS * GOOD_PER_SESSION

    asyncio.run(committed_reach_end(stack.bootstrap_servers, worker_env["APP_ID"], [topic], 30))
    metrics = interview_worker.get("/metrics")
    assert 'interviewlm_dead_letters_total{reason="unstorable"' in metrics
    assert 'interviewlm_payload_repairs_total{kind="nul"' in metrics
