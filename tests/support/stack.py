"""Test access to the real Kafka broker and PostgreSQL server.

The services are started through the same code as ``interviewlm stack up``
(or taken from KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when both are set).
Each test gets its own topic prefix and database, so tests never see each
other's data.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from interviewlm.stack import LocalStack, StackInfo, stack_from_env

ROOT = Path(__file__).resolve().parents[2]


def local_test_stack() -> LocalStack:
    env = dict(os.environ)
    env.setdefault("STACK_DIR", str(ROOT / ".cache" / "test-stack"))
    env.setdefault("STACK_KAFKA_PORT", "19092")
    env.setdefault("STACK_KAFKA_CONTROLLER_PORT", "19093")
    env.setdefault("STACK_POSTGRES_PORT", "15432")
    env.setdefault("KAFKA_TOPIC_PARTITIONS", "4")
    return stack_from_env(env)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def database_url(info: StackInfo, name: str) -> str:
    base, _, _ = info.database_url.rpartition("/")
    return f"{base}/{name}"


async def create_database(info: StackInfo, name: str) -> str:
    conn = await asyncpg.connect(database_url(info, "postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_url(info, name)


async def drop_database(info: StackInfo, name: str) -> None:
    conn = await asyncpg.connect(database_url(info, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def fresh_database(info: StackInfo) -> Iterator[str]:
    name = unique("t_")
    url = asyncio.run(create_database(info, name))
    try:
        yield url
    finally:
        asyncio.run(drop_database(info, name))
