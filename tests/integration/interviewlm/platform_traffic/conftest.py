"""One worker with every agent (interview, evaluation, notification) and a real SMTP server.

Module-scoped: one database, topic prefix, aiosmtpd server and worker process serve
every test of a module (each test uses its own session and candidate ids), so the
suite pays for one worker start per module.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families

from adapters.kafka_admin import ensure_topics
from interviewlm.stack import StackInfo
from runtime.settings import Settings
from tests.integration.adapters.notify.conftest import Inbox, free_port
from tests.integration.agents.interview.conftest import fetch
from tests.support.clients import need
from tests.support.kafka import read_topic
from tests.support.stack import fresh_database, unique
from tests.support.worker import WorkerProcess
from tests.unit.adapters.notify.samples import RECRUITER

#: Seconds an analyze without session-complete waits for late events. Long enough for
#: the events sent with it to be recorded on this shared machine, short for the suite.
GRACE_SECONDS = 6


@dataclass
class Platform:
    """The module's worker, its database, broker and topics, and the recruiter's inbox."""

    bootstrap: str
    database_url: str
    prefix: str
    env: dict[str, str]
    worker: WorkerProcess
    inbox: Inbox
    tmp: Path

    def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return asyncio.run(fetch(self.database_url, sql, *args))

    def mails(self, candidate_id: str) -> list[EmailMessage]:
        """E-mails whose subject names the candidate (the recruiter's evaluation mail)."""
        return [m for _, m in self.inbox.messages
                if f"candidate {candidate_id} scored" in str(m["Subject"])]

    def completions(self, session_ids: set[str]) -> list[dict[str, Any]]:
        """Every evaluation-complete published for these sessions, from the topic."""
        found = asyncio.run(read_topic(self.bootstrap, f"{self.prefix}notification",
                                       timeout=5))
        values = [json.loads(r.value) for r in found]
        return [v for v in values if v.get("type") == "evaluation-complete"
                and v["data"]["sessionId"] in session_ids]

    def counted(self, event_type: str, outcome: str | None = None) -> float:
        """Events of ``event_type`` the worker finished (any topic; any outcome if None)."""
        total = 0.0
        for family in text_string_to_metric_families(self.worker.get("/metrics")):
            if family.name != "interviewlm_events_processed":
                continue
            for sample in family.samples:
                labels = sample.labels
                if (sample.name.endswith("_total") and labels.get("type") == event_type
                        and outcome in (None, labels.get("outcome"))):
                    total += sample.value
        return total


def eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` (every 0.25 s) until it holds, or fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout}s: {what}")


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    found = Inbox()
    smtp = Controller(found, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        yield found, smtp.port
    finally:
        smtp.stop()


@pytest.fixture(scope="module")
def platform(stack: StackInfo, inbox: tuple[Inbox, int],
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Topics created, then ``interviewlm worker`` with all three agents, ready."""
    need("node", "kafkajs")
    prefix, tmp = unique("t") + ".", tmp_path_factory.mktemp("platform")
    for database_url in fresh_database(stack):
        settings = Settings(kafka_bootstrap_servers=stack.bootstrap_servers,
                            topic_prefix=prefix, kafka_topic_partitions=4)
        asyncio.run(ensure_topics(settings))
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers, "DATABASE_URL": database_url,
            "TOPIC_PREFIX": prefix, "APP_ID": unique("pt-"), "KAFKA_TOPIC_PARTITIONS": "4",
            "DATA_DIR": str(tmp / "data"), "BATCH_WITHIN_SECONDS": "0.05", "LOG_LEVEL": "INFO",
            "ANALYZE_GRACE_SECONDS": str(GRACE_SECONDS),
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox[1]), "RECRUITER_EMAIL": RECRUITER,
        }
        worker = WorkerProcess(env, tmp, agents="interview,evaluation,notification").start()
        try:
            worker.wait_ready()
            yield Platform(stack.bootstrap_servers, database_url, prefix, env, worker,
                           inbox[0], tmp)
        finally:
            worker.stop()
