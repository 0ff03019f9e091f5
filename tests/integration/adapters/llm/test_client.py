"""LLMClient.structured through the real SDK against the fake API over HTTP."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.llm import (
    BudgetExceeded,
    CostLedger,
    LLMClient,
    LLMRejected,
    LLMUnavailable,
    MalformedLLMOutput,
    StructuredRequest,
)
from runtime.metrics import REGISTRY
from tests.fake_anthropic import API_KEY, FakeAnthropic, Reply

pytestmark = pytest.mark.integration

MODEL = "claude-haiku-4-5"
SYSTEM = "You grade interview answers for correctness. " * 20
RUBRIC = "5: complete and correct. 3: partly correct. 1: wrong. " * 20
SCHEMA = {"type": "object", "properties": {"score": {"type": "integer"},
                                           "rationale": {"type": "string"}},
          "required": ["score", "rationale"]}


@dataclass(frozen=True)
class Grade:
    score: int
    rationale: str


def to_grade(data: dict[str, Any]) -> Grade:
    score, rationale = data["score"], data["rationale"]
    if not isinstance(score, int) or not 1 <= score <= 5 or not isinstance(rationale, str):
        raise ValueError("not a grade")
    return Grade(score, rationale)


async def grade(llm: LLMClient, user: str = "Answer: a hash map.",
                ledger: CostLedger | None = None) -> Any:
    return await llm.structured(MODEL, SYSTEM, RUBRIC, user, "record_grade", SCHEMA, to_grade,
                                max_tokens=200, ledger=ledger)


def requests_total(outcome: str, mode: str = "realtime") -> float:
    labels = {"model": MODEL, "mode": mode, "outcome": outcome}
    return REGISTRY.get_sample_value("interviewlm_llm_requests_total", labels) or 0.0


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, {"model": MODEL, **labels}) or 0.0


async def test_success_returns_value_usage_cost_and_metrics(
        fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.queue(Reply.tool({"score": 5, "rationale": "complete"}, output_tokens=40))
    ok, cost, out = (requests_total("ok"), metric("interviewlm_llm_cost_dollars_total"),
                     metric("interviewlm_llm_tokens_total", kind="output"))
    result = await grade(llm)
    assert result.value == Grade(5, "complete") and result.attempts == 1
    assert result.usage.output == 40 and result.usage.input > 0
    assert result.cost == pytest.approx(result.usage.cost(MODEL)) and result.cost > 0
    assert requests_total("ok") == ok + 1
    assert metric("interviewlm_llm_cost_dollars_total") == pytest.approx(cost + result.cost)
    assert metric("interviewlm_llm_tokens_total", kind="output") == out + 40
    body = fake.message_bodies()[0]
    assert body["tool_choice"] == {"type": "tool", "name": "record_grade"}
    assert body["tools"][0]["input_schema"] == SCHEMA


#: Long enough for Haiku 4.5's 4,096-token minimum cacheable prefix (at ~4 chars a token).
LONG_RUBRIC = "5: complete, correct and explained. 3: partly correct. 1: wrong. " * 300


async def test_system_and_rubric_are_cached_then_read(fake: FakeAnthropic, llm: LLMClient) -> None:
    async def long_grade(user: str) -> Any:
        return await llm.structured(MODEL, SYSTEM, LONG_RUBRIC, user, "record_grade", SCHEMA,
                                    to_grade, max_tokens=200)

    first = await long_grade("Answer one.")
    second = await long_grade("Answer two, a different candidate text.")
    assert first.usage.cache_write > 4096 and first.usage.cache_read == 0
    assert second.usage.cache_read == first.usage.cache_write and second.usage.cache_write == 0
    assert second.cost < first.cost
    for body in fake.message_bodies():
        assert [block.get("cache_control") for block in body["system"]] == [
            None, {"type": "ephemeral"}], "one breakpoint, after the rubric"
        assert [block["text"] for block in body["system"]] == [SYSTEM, LONG_RUBRIC]


async def test_a_prefix_below_the_model_minimum_is_not_cached(llm: LLMClient) -> None:
    """The API processes a short marked prefix uncached, without an error."""
    first, second = await grade(llm, "Answer one."), await grade(llm, "Answer two.")
    for result in (first, second):
        assert result.usage.cache_write == 0 and result.usage.cache_read == 0
    assert second.usage.input == pytest.approx(first.usage.input, abs=2)


async def test_prefix_tokens_come_from_the_api_count(fake: FakeAnthropic, llm: LLMClient) -> None:
    short = StructuredRequest(MODEL, SYSTEM, RUBRIC, "Answer.", "record_grade", SCHEMA)
    long = StructuredRequest(MODEL, SYSTEM, LONG_RUBRIC, "Answer.", "record_grade", SCHEMA)
    short_check, long_check = await llm.prefix_tokens(short), await llm.prefix_tokens(long)
    assert (short_check.minimum, long_check.minimum) == (4096, 4096)
    assert not short_check.cacheable and long_check.cacheable
    assert long_check.tokens - short_check.tokens == pytest.approx(
        (len(LONG_RUBRIC) - len(RUBRIC)) / 4, abs=2)
    counted = [r for r in fake.requests if r.path == "/v1/messages/count_tokens"]
    assert len(counted) == 4 and fake.message_bodies() == []


async def test_rate_limit_is_retried_by_the_sdk(fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.queue(Reply.rate_limited(), Reply.tool({"score": 2, "rationale": "partial"}))
    result = await grade(llm)
    assert result.value.score == 2
    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1"]


async def test_overloaded_529_is_retried_by_the_sdk(fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.queue(Reply.overloaded(), Reply.overloaded(), Reply.tool({"score": 4, "rationale": "ok"}))
    result = await grade(llm)
    assert result.value.score == 4 and len(fake.message_bodies()) == 3


async def test_overload_outlasting_retries_is_unavailable(
        fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.queue(*[Reply.overloaded()] * 3)
    before = requests_total("unavailable")
    with pytest.raises(LLMUnavailable, match="529"):
        await grade(llm)
    assert len(fake.message_bodies()) == 3 and requests_total("unavailable") == before + 1


async def test_timeout_becomes_unavailable_in_bounded_time(fake: FakeAnthropic) -> None:
    fake.queue(Reply.hang(30), Reply.hang(30))
    settings = fake.settings(llm_timeout_seconds=0.3, llm_max_retries=1)
    started = time.monotonic()
    async with LLMClient(settings) as llm:
        with pytest.raises(LLMUnavailable, match="timed out"):
            await grade(llm)
    assert time.monotonic() - started < 3.0
    assert len(fake.message_bodies()) == 2


async def test_bad_request_is_rejected_without_retry(fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.queue(Reply.error(400, "invalid_request_error"))
    with pytest.raises(LLMRejected) as info:
        await grade(llm)
    assert info.value.status_code == 400 and info.value.error_type == "invalid_request_error"
    assert len(fake.message_bodies()) == 1


async def test_malformed_reply_is_retried_once(fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.queue(Reply.text(), Reply.tool({"score": 1, "rationale": "wrong"}))
    malformed = requests_total("malformed")
    result = await grade(llm)
    assert result.value == Grade(1, "wrong") and result.attempts == 2
    assert requests_total("malformed") == malformed + 1
    assert result.usage.output == 50, "both attempts are billed"
    assert result.cost == pytest.approx(result.usage.cost(MODEL))


@pytest.mark.parametrize("bad", [
    Reply.text(), Reply.tool({"score": 9, "rationale": "x"}), Reply.tool({"rationale": "x"}),
    Reply.tool({"score": 3, "rationale": "x"}, name="other_tool"),
    Reply.truncated({"score": 3}),
])
async def test_malformed_twice_raises(fake: FakeAnthropic, llm: LLMClient, bad: Reply) -> None:
    fake.queue(bad, bad, Reply.tool({"score": 3, "rationale": "never reached"}))
    with pytest.raises(MalformedLLMOutput) as info:
        await grade(llm)
    assert info.value.attempts == 2 and len(fake.message_bodies()) == 2 and fake.pending == 1


async def test_budget_refuses_before_sending(fake: FakeAnthropic, llm: LLMClient) -> None:
    ledger = CostLedger(budget=0.0005)
    with pytest.raises(BudgetExceeded):
        await grade(llm, ledger=ledger)
    assert fake.message_bodies() == [] and ledger.spent == 0.0


async def test_ledger_charges_each_call_until_the_budget_runs_out(
        fake: FakeAnthropic, llm: LLMClient) -> None:
    ledger = CostLedger(budget=0.004)
    first = await grade(llm, ledger=ledger)
    assert ledger.spent == pytest.approx(first.cost) and ledger.usage == first.usage
    with pytest.raises(BudgetExceeded):
        for _ in range(50):
            await grade(llm, ledger=ledger)
    assert ledger.spent <= ledger.budget and ledger.calls > 1
    assert len(fake.message_bodies()) == ledger.calls


async def test_no_key_prompt_or_personal_data_in_logs_or_extra_fields(
        fake: FakeAnthropic, llm: LLMClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake.queue(Reply.text(), Reply.rate_limited(), Reply.tool({"score": 3, "rationale": "ok"}))
    await grade(llm, "Candidate answer text")
    logged = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    for secret in (API_KEY, "Candidate answer text", "You grade interview", "missing brace"):
        assert secret not in logged
    body = fake.message_bodies()[0]
    assert "metadata" not in body and body["messages"][0]["content"] == "Candidate answer text"
    assert "jane.doe@example.com" not in fake.sent_text()
