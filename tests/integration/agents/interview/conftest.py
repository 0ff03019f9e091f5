"""A running interview worker on the real stack, under its own topic prefix and database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from adapters.kafka_admin import ensure_topics
from interviewlm.stack import StackInfo
from runtime.settings import Settings
from tests.support.stack import unique
from tests.support.worker import WorkerProcess


@pytest.fixture
def worker_env(stack: StackInfo, database_url: str, topic_prefix: str,
               tmp_path: Path) -> dict[str, str]:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers,
        "DATABASE_URL": database_url,
        "TOPIC_PREFIX": topic_prefix,
        "APP_ID": unique("it-"),
        "KAFKA_TOPIC_PARTITIONS": "4",
        "DATA_DIR": str(tmp_path / "data"),
        "BATCH_WITHIN_SECONDS": "0.05",
        "LOG_LEVEL": "INFO",
    }
    settings = Settings(kafka_bootstrap_servers=stack.bootstrap_servers,
                        topic_prefix=topic_prefix, kafka_topic_partitions=4)
    asyncio.run(ensure_topics(settings))
    return env


@pytest.fixture
def interview_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(worker_env, tmp_path, agents="interview").start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


async def fetch(database_url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(database_url)
    try:
        return [dict(r) for r in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


async def wait_for(database_url: str, sql: str, predicate: Any, timeout: float = 60.0,
                   *args: Any) -> list[dict[str, Any]]:
    """Poll ``sql`` until ``predicate(rows)`` holds; return the rows (or fail with them)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    rows: list[dict[str, Any]] = []
    while loop.time() < deadline:
        rows = await fetch(database_url, sql, *args)
        if predicate(rows):
            return rows
        await asyncio.sleep(0.25)
    raise AssertionError(f"condition not met within {timeout}s; last rows: {rows[:5]}")
