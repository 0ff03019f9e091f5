"""A real ``interviewlm worker --agents notification`` on the real broker and PostgreSQL.

E-mail goes to aiosmtpd, webhooks to an endpoint that checks every HMAC signature,
Slack to a fake incoming webhook. Each test publishes under its own session ids.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.integration.agents.notification.conftest import (
    Env,
    Receivers,
    eventually,
    rows_for,
    wait_for_rows,
)
from tests.support.kafka import publish_json, publish_raw, read_topic
from tests.support.worker import WorkerProcess
from tests.unit.adapters.notify.samples import CANDIDATE_NAME, RECRUITER, evaluation, invitation

pytestmark = pytest.mark.integration

DELIVERIES = ("SELECT channel, event_type, status, attempts FROM internal.notification_deliveries"
              " WHERE dedupe_key LIKE '%:' || $1 || ':%' ORDER BY channel")


def invite(kind: str, session: str) -> dict[str, Any]:
    return {"type": kind, "data": invitation(sessionId=session,
                                             candidateEmail=f"{session}@example.com")}


def completed(session: str) -> dict[str, Any]:
    return {"type": "evaluation-complete",
            "data": evaluation(sessionId=session, candidateId=f"cand-{session}")}


def publish(env: Env, *events: dict[str, Any]) -> None:
    asyncio.run(publish_json(env.bootstrap, f"{env.prefix}notification", list(events)))


def dead_letters(env: Env, expect: int) -> dict[bytes, dict[str, str]]:
    """DLQ records by message key: their headers, decoded."""
    records = asyncio.run(read_topic(env.bootstrap, f"{env.prefix}notification.dlq",
                                     expect=expect, timeout=30))
    return {r.key: {k: v.decode() for k, v in r.headers} for r in records}


def test_each_event_type_is_delivered_through_its_channels(
        notif_env: Env, receivers: Receivers, notification_worker: WorkerProcess) -> None:
    kinds = ("interview-invited", "interview-reminder", "interview-expired")
    publish(notif_env, completed("a-eval"), *(invite(k, f"a-{k}") for k in kinds))
    eventually(lambda: len(receivers.webhook) >= 4 and len(receivers.inbox.messages) >= 4,
               what="four e-mails and four webhooks")
    for kind in kinds:
        [mail] = receivers.mails(f"a-{kind}@example.com")
        assert mail["X-InterviewLM-Event"] == kind
        [hook] = receivers.hooks(f"a-{kind}")
        assert (hook.event_type, hook.status, hook.signed) == (kind, 200, True)
        assert receivers.slacks(f"a-{kind}") == []
    [mail] = receivers.mails("cand-a-eval")
    assert mail["To"] == RECRUITER
    [hook] = receivers.hooks("a-eval")
    assert hook.signed and hook.event_type == "evaluation-complete"
    eventually(lambda: len(receivers.slacks("cand-a-eval")) == 1, what="one Slack message")
    rows = wait_for_rows(notif_env, DELIVERIES, lambda r: len(r) == 3, "a-eval")
    assert [(r["channel"], r["status"], r["attempts"]) for r in rows] == [
        ("email", "sent", 1), ("slack", "sent", 1), ("webhook", "sent", 1)]
    logs = notification_worker.logs()
    assert "a-interview-invited@example.com" not in logs and CANDIDATE_NAME not in logs
    assert "invite/tok-abc123" not in logs and "notification_delivered" in logs


def test_a_flaky_webhook_succeeds_through_the_retry_topic_without_resending_email(
        notif_env: Env, receivers: Receivers, notification_worker: WorkerProcess) -> None:
    receivers.script["c-flaky"] = [503, 503]
    publish(notif_env, completed("c-flaky"))
    eventually(lambda: [h.status for h in receivers.hooks("c-flaky")] == [503, 503, 200],
               what="503, 503, then 200")
    hooks = receivers.hooks("c-flaky")
    assert all(h.signed for h in hooks) and len({h.delivery for h in hooks}) == 1
    rows = wait_for_rows(notif_env, DELIVERIES,
                         lambda r: {x["status"] for x in r} == {"sent"}, "c-flaky")
    assert [(r["channel"], r["attempts"]) for r in rows] == [
        ("email", 1), ("slack", 1), ("webhook", 3)]
    assert len(receivers.mails("cand-c-flaky")) == 1
    assert len(receivers.slacks("cand-c-flaky")) == 1
    retries = asyncio.run(read_topic(notif_env.bootstrap, f"{notif_env.prefix}notification.retry",
                                     expect=2, timeout=10))
    mine = [dict(r.headers) for r in retries if r.key == b"c-flaky"]
    assert [h["x-attempt"] for h in mine] == [b"2", b"3"]
    assert all(b"HTTP 503" in h["x-last-error"] for h in mine)


def test_a_refused_webhook_is_dead_lettered_after_the_email_went_out(
        notif_env: Env, receivers: Receivers, notification_worker: WorkerProcess) -> None:
    receivers.script["d-refused"] = [400]
    publish(notif_env, invite("interview-invited", "d-refused"))
    dead = dead_letters(notif_env, expect=1)[b"d-refused"]
    assert dead["x-dlq-reason"] == "permanent_error"
    assert "webhook: webhook endpoint answered HTTP 400" in dead["x-dlq-error"]
    [job] = wait_for_rows(notif_env, "SELECT * FROM internal.failed_jobs WHERE message_key = $1",
                          lambda r: len(r) == 1, b"d-refused")
    assert job["worker"] == "notification-agent"
    assert job["source_topic"] == f"{notif_env.prefix}notification"
    assert job["error_type"] == "DeliveriesRefused" and "HTTP 400" in job["error_message"]
    assert len(receivers.mails("d-refused@example.com")) == 1
    assert [h.status for h in receivers.hooks("d-refused")] == [400], "4xx is never retried"
    rows = rows_for(notif_env, DELIVERIES, "d-refused")
    assert [(r["channel"], r["status"]) for r in rows] == [("email", "sent"),
                                                           ("webhook", "failed")]


def test_malformed_notifications_are_dead_lettered(
        notif_env: Env, receivers: Receivers, notification_worker: WorkerProcess) -> None:
    missing = invitation(sessionId="e-missing")
    del missing["candidateEmail"]
    wrong_topic = {"type": "analyze", "data": {"sessionId": "e-wrong", "candidateId": "c",
                                               "timestamp": "2026-01-05T10:00:00Z"}}
    asyncio.run(publish_raw(notif_env.bootstrap, f"{notif_env.prefix}notification",
                            [(b"e-json", b"{not json")]))
    publish(notif_env, {"type": "interview-invited", "data": missing}, wrong_topic,
            invite("interview-reminder", "e-fine"))
    eventually(lambda: len(receivers.hooks("e-fine")) == 1, what="the good one after the bad")
    dead = dead_letters(notif_env, expect=4)
    assert {k: dead[k]["x-dlq-reason"] for k in (b"e-json", b"e-missing", b"e-wrong")} == {
        b"e-json": "malformed", b"e-missing": "invalid", b"e-wrong": "unknown_type"}
    assert "candidateEmail" in dead[b"e-missing"]["x-dlq-error"]
    jobs = wait_for_rows(notif_env, "SELECT message_key FROM internal.failed_jobs"
                         " WHERE message_key LIKE 'e-%'", lambda r: len(r) == 3)
    assert sorted(r["message_key"] for r in jobs) == [b"e-json", b"e-missing", b"e-wrong"]
