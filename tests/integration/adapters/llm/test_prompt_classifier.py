"""The optional prompt classifier: real SDK against the fake Messages API, with fallbacks."""

from __future__ import annotations

import pytest

from adapters.llm import LLMClient
from adapters.prompt_classifier import PromptClassifier
from tests.fake_anthropic import FakeAnthropic, Reply

pytestmark = pytest.mark.integration


async def test_classifies_scrubbed_prompt_with_the_interview_model(fake: FakeAnthropic) -> None:
    settings = fake.settings()
    async with LLMClient(settings) as client:
        classifier = PromptClassifier(client, settings)
        fake.queue(Reply.tool({"quality": 4, "reason": "names the error"}))
        got = await classifier.classify(
            "s1", "I am Ada Quokka (ada@example.com); test_merge fails with IndexError",
            known=("Ada Quokka",))
    assert got == 4.0
    body = fake.message_bodies()[-1]
    assert body["model"] == settings.interview_model
    sent = fake.sent_text()
    assert "ada@example.com" not in sent and "Ada Quokka" not in sent
    assert "IndexError" in sent


async def test_timeout_and_bad_answers_fall_back_to_the_formula(fake: FakeAnthropic) -> None:
    settings = fake.settings(llm_timeout_seconds=0.5, llm_max_retries=0)
    async with LLMClient(settings) as client:
        classifier = PromptClassifier(client, settings)
        fake.queue(Reply.hang(5))
        assert await classifier.classify("s1", "why does this fail?") is None
        fake.queue(Reply.tool({"quality": 9}), Reply.tool({"quality": 0}))
        assert await classifier.classify("s1", "why does this fail?") is None


async def test_session_budget_stops_calls(fake: FakeAnthropic) -> None:
    settings = fake.settings(llm_budget_interview_dollars=0.0001)
    async with LLMClient(settings) as client:
        classifier = PromptClassifier(client, settings)
        before = len(fake.requests)
        assert await classifier.classify("s-budget", "explain the failing test") is None
    assert len(fake.requests) == before  # refused before anything was sent
