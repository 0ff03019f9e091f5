"""Producers honour TOPIC_PREFIX: ``publish`` and ``simulate`` write to the prefixed
topics the workers read, and nothing reaches (or auto-creates) the unprefixed ones."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from interviewlm.stack import StackInfo
from tests.integration.interviewlm.cli.test_commands import run_cli
from tests.support.kafka import read_topic

pytestmark = pytest.mark.integration


async def _topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


def _event(session: str) -> dict[str, object]:
    return {"type": "session-started",
            "data": {"sessionId": session, "candidateId": "c-1", "questionId": "q-1",
                     "difficulty": 5, "questionSeed": "seed",
                     "timestamp": "2024-05-01T10:00:00Z"}}


@pytest.mark.parametrize("command", ["publish", "simulate"])
def test_producers_write_to_the_prefixed_topics(stack: StackInfo, topic_prefix: str,
                                                tmp_path: Path, command: str) -> None:
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers, "TOPIC_PREFIX": topic_prefix}
    before = asyncio.run(_topics(stack.bootstrap_servers))
    if command == "publish":
        events = tmp_path / "events.json"
        events.write_text(json.dumps([_event("s-1"), _event("s-2")]))
        proc, _ = run_cli("publish", str(events), env=env)
    else:
        proc, _ = run_cli("simulate", "--sessions", "2", "--events", "8", env=env)
    assert proc.returncode == 0, proc.stderr
    records = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic_prefix}interview",
                                     timeout=20))
    sessions = {r.key for r in records}
    assert len(sessions) == 2 and len(records) >= 2
    created = asyncio.run(_topics(stack.bootstrap_servers)) - before
    assert created == {f"{topic_prefix}interview"}, created
