"""Evaluation worker fixtures: env on the real stack, a threaded fake Anthropic, SQL seeding."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from adapters.db.migrate import migrate
from adapters.kafka_admin import ensure_topics
from interviewlm.stack import StackInfo
from interviewlm.synthetic import SessionPlan, generate_session, plan_sessions
from runtime.settings import Settings
from tests.fake_anthropic import API_KEY, FakeAnthropic
from tests.support.stack import unique
from tests.support.worker import WorkerProcess


@pytest.fixture
def eval_env(stack: StackInfo, database_url: str, topic_prefix: str,
             tmp_path: Path) -> dict[str, str]:
    """Worker environment under this test's topic prefix and database (topics created)."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers, "DATABASE_URL": database_url,
        "TOPIC_PREFIX": topic_prefix, "APP_ID": unique("ev-"), "KAFKA_TOPIC_PARTITIONS": "4",
        "DATA_DIR": str(tmp_path / "data"), "BATCH_WITHIN_SECONDS": "0.05", "LOG_LEVEL": "INFO",
    }
    settings = Settings(kafka_bootstrap_servers=stack.bootstrap_servers,
                        topic_prefix=topic_prefix, kafka_topic_partitions=4)
    asyncio.run(ensure_topics(settings))
    return env


def start_worker(env: dict[str, str], tmp_path: Path, agents: str = "evaluation",
                 name: str = "worker") -> WorkerProcess:
    worker = WorkerProcess(env, tmp_path, agents=agents, name=name).start()
    try:
        worker.wait_ready()
    except BaseException:
        worker.stop()
        raise
    return worker


class ThreadedFake:
    """FakeAnthropic served from its own thread, so synchronous tests can block freely."""

    def __init__(self, cls: type[FakeAnthropic] = FakeAnthropic, **kwargs: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake = self._run(cls(**kwargs).start())

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def env(self, **extra: str) -> dict[str, str]:
        return {"ANTHROPIC_API_KEY": API_KEY, "ANTHROPIC_BASE_URL": self.fake.base_url,
                "LLM_TIMEOUT_SECONDS": "5", "LLM_MAX_RETRIES": "1", **extra}

    def close(self) -> None:
        self._run(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def sessions(n: int, seed: int, prefix: str = "sim") -> list[tuple[SessionPlan,
                                                                  list[dict[str, Any]]]]:
    return [(p, generate_session(p, seed).events)
            for p in plan_sessions(n, 27, seed, prefix=prefix)]


async def seed_sessions(database_url: str, topic: str,
                        recorded: list[tuple[SessionPlan, list[dict[str, Any]]]],
                        extra_data: dict[str, Any] | None = None) -> None:
    """Write completed sessions as the interview agent would: events, metrics, theta path.

    Each session gets its own partition-offset range so event ids are unique.
    ``extra_data`` is merged into session-started (e.g. candidateName/candidateEmail).
    """
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn)
        for index, (plan, events) in enumerate(recorded):
            await _seed_one(conn, topic, index, plan, events, extra_data or {})
    finally:
        await conn.close()


async def _seed_one(conn: asyncpg.Connection, topic: str, index: int, plan: SessionPlan,
                    events: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    rows, theta = [], []
    for i, event in enumerate(events):
        data = {**event["data"], **(extra if event["type"] == "session-started" else {})}
        stamp = datetime.fromisoformat(data["timestamp"].replace("Z", "+00:00"))
        offset = index * 1000 + i
        rows.append((plan.session_id, f"k{offset}", topic, 0, offset, event["type"], stamp,
                     json.dumps({"type": event["type"], "data": data})))
        if event["type"] == "question-answered":
            step = len(theta) + 1
            theta.append((plan.session_id, f"{topic}:0:{offset}", step, data["questionId"],
                          stamp, 1.0, plan.true_theta * step / (step + 1), 1.0 / (1 + step) ** .5,
                          1.0, 0.0, 0.0))
    await conn.executemany(
        "INSERT INTO internal.session_events (session_id, event_key, topic, partition,"
        " \"offset\", event_type, event_ts, payload) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb)",
        rows)
    await conn.executemany(
        "INSERT INTO internal.theta_trajectory (session_id, event_id, seq, question_id,"
        " event_ts, score, theta, se, a, b, c) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        theta)
    await conn.execute(
        "INSERT INTO internal.session_metrics (session_id, candidate_id, theta, se,"
        " avg_prompt_quality, ai_dependency, completed_at) VALUES ($1,$2,$3,$4,$5,$6,now())",
        plan.session_id, plan.candidate_id, plan.true_theta, 0.45, 3.5, 35.0)


@pytest.fixture
def threaded_fake() -> Iterator[ThreadedFake]:
    fake = ThreadedFake(batch_polls=1)
    try:
        yield fake
    finally:
        fake.close()
