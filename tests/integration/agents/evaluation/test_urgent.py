"""Urgent analyze jobs have their own lane: they overtake a backlog on ``evaluation``.

Every evaluation here waits about a second for its (fake) LLM review, as real
reviews do, so a backlog of 30 takes several seconds at 5 at a time.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from interviewlm.stack import StackInfo
from streams.topics import topic_for_type
from tests.fake_anthropic import FakeAnthropic
from tests.integration.agents.evaluation.conftest import (
    ThreadedFake,
    seed_sessions,
    sessions,
    start_worker,
)
from tests.integration.agents.evaluation.test_llm import review_citing
from tests.integration.agents.evaluation.test_pipeline import analyze
from tests.integration.agents.interview.conftest import fetch, wait_for
from tests.support.kafka import publish_json

pytestmark = pytest.mark.integration

BACKLOG = 30
LATENCY_SECONDS = 1.0


def _until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


class SlowFake(FakeAnthropic):
    """Answers every Messages call after LATENCY_SECONDS, like a real model would."""

    async def _messages(self, request: web.Request) -> web.Response:
        await asyncio.sleep(LATENCY_SECONDS)
        return await super()._messages(request)


def test_urgent_job_overtakes_the_backlog(stack: StackInfo, database_url: str,
                                          topic_prefix: str, eval_env: dict[str, str],
                                          tmp_path: Path) -> None:
    recorded = sessions(BACKLOG + 1, seed=53)
    asyncio.run(seed_sessions(database_url, f"{topic_prefix}interview", recorded))
    backlog, (urgent, _) = [plan for plan, _ in recorded[:BACKLOG]], recorded[BACKLOG]
    fake = ThreadedFake(SlowFake, default_tool_input=review_citing(
        f"{topic_prefix}interview:0:3"))
    worker = None
    try:
        env = {**eval_env, **fake.env(LLM_BATCH_ENABLED="false")}
        worker = start_worker(env, tmp_path)
        publish(stack, topic_prefix, [analyze(p.session_id, p.candidate_id) for p in backlog])
        _until(lambda: len(fake.fake.message_bodies()) > 0, timeout=60)  # backlog reviews running
        publish(stack, topic_prefix, [analyze(urgent.session_id, urgent.candidate_id, 9)])
        rows = asyncio.run(wait_for(database_url, "SELECT session_id, updated_at FROM"
                                    " internal.evaluations ORDER BY updated_at",
                                    lambda r: len(r) == BACKLOG + 1, 120))
    finally:
        if worker is not None:
            worker.stop()
        fake.close()
    order = [r["session_id"] for r in rows]
    ahead = order.index(urgent.session_id)
    assert ahead < BACKLOG // 3, f"{ahead} backlog evaluations finished before the urgent one"
    modes = asyncio.run(fetch(database_url, "SELECT DISTINCT mode FROM internal.evaluations"))
    assert modes == [{"mode": "llm"}]


def publish(stack: StackInfo, prefix: str, events: list[dict[str, Any]]) -> None:
    """Each analyze goes where the platform's publisher would send it (priority >= 8: urgent)."""
    by_topic: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        topic = topic_for_type("analyze", priority=event["data"]["priority"])
        by_topic.setdefault(prefix + topic, []).append(event)
    for topic, batch in by_topic.items():
        asyncio.run(publish_json(stack.bootstrap_servers, topic, batch))
