"""Shared fixtures: the real stack (session-wide), a database and topic prefix per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from interviewlm.stack import StackInfo
from tests.support.stack import fresh_database, local_test_stack, unique


@pytest.fixture(scope="session")
def stack() -> Iterator[StackInfo]:
    """Kafka + PostgreSQL for the whole run; stopped at the end if this run started them."""
    local = local_test_stack()
    already_running = local.external is not None or all(
        state == "running" for state in local.status().values())
    info = local.up(timeout=180)
    yield info
    if not already_running and os.environ.get("KEEP_STACK") != "1":
        local.down()


@pytest.fixture
def database_url(stack: StackInfo) -> Iterator[str]:
    yield from fresh_database(stack)


@pytest.fixture
def topic_prefix() -> str:
    return unique("t") + "."
