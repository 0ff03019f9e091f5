"""The same notification, published three times around a worker crash, is sent once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.integration.agents.notification.conftest import (
    Env,
    Receivers,
    eventually,
    wait_for_rows,
)
from tests.support.kafka import publish_json
from tests.support.worker import WorkerProcess
from tests.unit.adapters.notify.samples import invitation

pytestmark = pytest.mark.integration

SESSION = "b-dup"
INVITE = {"type": "interview-invited",
          "data": invitation(sessionId=SESSION, candidateEmail="b-dup@example.com")}
#: Published last on the same key (so the same partition, behind the duplicates).
SENTINEL = {"type": "interview-expired",
            "data": invitation(sessionId=SESSION, candidateEmail="b-dup@example.com",
                               timestamp="2025-11-21T10:00:00Z")}


def publish(env: Env, event: dict[str, object]) -> None:
    asyncio.run(publish_json(env.bootstrap, f"{env.prefix}notification", [event]))


def start(env: Env, tmp_path: Path, name: str) -> WorkerProcess:
    worker = WorkerProcess({**env.vars, "KAFKA_SESSION_TIMEOUT_SECONDS": "6"}, tmp_path,
                           agents="notification", name=name).start()
    try:
        worker.wait_ready()
    except BaseException:
        worker.kill()
        raise
    return worker


def skipped_both(logs: str) -> int:
    """Log lines of this session's notifications that skipped e-mail and webhook as sent."""
    lines = [json.loads(line) for line in logs.splitlines() if '"notification_delivered"' in line]
    return sum(1 for line in lines
               if line["sessionId"] == SESSION and line["skipped"] == ["email", "webhook"])


def test_a_notification_published_again_and_redelivered_after_a_crash_is_sent_once(
        notif_env: Env, receivers: Receivers, tmp_path: Path) -> None:
    first = start(notif_env, tmp_path, "first")
    try:
        publish(notif_env, INVITE)
        wait_for_rows(notif_env, "SELECT status FROM internal.notification_deliveries",
                      lambda rows: [r["status"] for r in rows] == ["sent", "sent"])
        publish(notif_env, INVITE)
    finally:
        first.kill()  # at once: its last offsets are most likely not committed yet
    publish(notif_env, INVITE)
    second = start(notif_env, tmp_path, "second")
    try:
        publish(notif_env, SENTINEL)
        eventually(lambda: any(h.event_type == "interview-expired"
                               for h in receivers.hooks(SESSION)), timeout=45,
                   what="the sentinel behind the duplicates")
        eventually(lambda: len(receivers.mails("b-dup@example.com")) == 2,
                   what="the sentinel's e-mail")
    finally:
        second.stop()
    mails = receivers.mails("b-dup@example.com")
    assert sorted(m["X-InterviewLM-Event"] for m in mails) == ["interview-expired",
                                                               "interview-invited"]
    assert sorted(h.event_type for h in receivers.hooks(SESSION)) == ["interview-expired",
                                                                      "interview-invited"]
    rows = wait_for_rows(notif_env, "SELECT event_type, status, attempts"
                         " FROM internal.notification_deliveries", lambda r: len(r) == 4)
    assert {(r["event_type"], r["status"], r["attempts"]) for r in rows} == {
        ("interview-invited", "sent", 1), ("interview-expired", "sent", 1)}
    assert skipped_both(first.logs() + second.logs()) >= 2, "both duplicates were skipped"
