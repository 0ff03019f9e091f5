"""Fixtures for fault tests: worker settings on the real stack, and helpers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from adapters.kafka_admin import ensure_topics
from interviewlm.stack import StackInfo
from interviewlm.synthetic import generate_session, plan_sessions
from runtime.settings import Settings
from tests.support.stack import unique


@pytest.fixture
def fault_env(stack: StackInfo, database_url: str, topic_prefix: str,
              tmp_path: Path) -> dict[str, str]:
    asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=stack.bootstrap_servers,
                                       topic_prefix=topic_prefix, kafka_topic_partitions=4)))
    return {
        "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers,
        "DATABASE_URL": database_url,
        "TOPIC_PREFIX": topic_prefix,
        "APP_ID": unique("fault-"),
        "KAFKA_TOPIC_PARTITIONS": "4",
        "DATA_DIR": str(tmp_path / "data"),
        "BATCH_MAX_EVENTS": "100",
        "BATCH_WITHIN_SECONDS": "0.05",
        "SHUTDOWN_TIMEOUT_SECONDS": "20",
    }


def session_events(n_sessions: int, per_session: int, seed: int) -> list[dict[str, Any]]:
    """Sessions interleaved round-robin, as a busy platform would publish them."""
    sessions = [generate_session(p, seed).events
                for p in plan_sessions(n_sessions, per_session, seed, prefix=f"f{seed}")]
    out: list[dict[str, Any]] = []
    for i in range(max(len(s) for s in sessions)):
        out.extend(s[i] for s in sessions if i < len(s))
    return out


def count_sql(table: str) -> str:
    return f"SELECT count(*) AS n FROM internal.{table}"


def json_value(record: Any) -> dict[str, Any]:
    return dict(json.loads(record.value))
