"""Fixtures: a fresh fake Anthropic server and an LLMClient pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.llm import LLMClient
from tests.fake_anthropic import FakeAnthropic


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic(default_tool_input={"score": 3, "rationale": "default"}) as server:
        yield server


@pytest.fixture
async def llm(fake: FakeAnthropic) -> AsyncIterator[LLMClient]:
    async with LLMClient(fake.settings()) as client:
        yield client
