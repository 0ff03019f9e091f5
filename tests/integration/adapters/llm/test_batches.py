"""BatchRunner through the real SDK against the fake Message Batches API."""

from __future__ import annotations

import time
from typing import Any

import pytest

from adapters.llm import (
    BatchFailure,
    BatchRunner,
    BudgetExceeded,
    CostLedger,
    LLMClient,
    LLMUnavailable,
    StructuredRequest,
    estimate_cost,
)
from runtime.metrics import REGISTRY
from tests.fake_anthropic import FakeAnthropic, Reply

pytestmark = pytest.mark.integration

MODEL = "claude-sonnet-4-5"


def score(data: dict[str, Any]) -> int:
    value = data["score"]
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError("score out of range")
    return value


#: Above Sonnet 4.5's 1,024-token minimum cacheable prefix (at ~4 chars a token).
RUBRIC = "5: complete and correct. 3: partly correct. 1: wrong. " * 90


def request(user: str) -> StructuredRequest:
    return StructuredRequest(model=MODEL, system="Grade the answer.", rubric=RUBRIC,
                             user=user, tool_name="record_grade",
                             input_schema={"type": "object"}, max_tokens=100)


def batch_total(outcome: str) -> float:
    labels = {"model": MODEL, "mode": "batch", "outcome": outcome}
    return REGISTRY.get_sample_value("interviewlm_llm_requests_total", labels) or 0.0


async def test_mixed_results_map_back_by_custom_id(fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.batch_polls = 2
    fake.script_batch("ok-1", Reply.tool({"score": 5}))
    fake.script_batch("ok-2", Reply.tool({"score": 2}))
    fake.script_batch("err", Reply.error(500, "overloaded_error"))
    fake.script_batch("exp", Reply.expired())
    fake.script_batch("can", Reply.canceled())
    fake.script_batch("bad", Reply.tool({"score": 11}))
    runner: BatchRunner[int] = BatchRunner(llm, poll_interval=0.01, deadline=5)
    for custom_id in ("ok-1", "err", "exp", "ok-2", "can", "bad"):
        runner.add(custom_id, request(f"answer {custom_id}"), score)
    errored, expired = batch_total("errored"), batch_total("expired")
    outcome = await runner.run()
    assert {cid: r.value for cid, r in outcome.succeeded.items()} == {"ok-1": 5, "ok-2": 2}
    assert outcome.failed == {
        "err": BatchFailure("err", "errored", "overloaded_error"),
        "exp": BatchFailure("exp", "expired"),
        "can": BatchFailure("can", "canceled"),
        "bad": BatchFailure("bad", "malformed", "invalid_input:ValueError")}
    assert batch_total("errored") == errored + 1 and batch_total("expired") == expired + 1
    retrieves = [r for r in fake.requests if r.method == "GET" and "results" not in r.path]
    assert len(retrieves) >= 3, "polled while in_progress before reading results"


async def test_batch_requests_carry_the_realtime_body(fake: FakeAnthropic, llm: LLMClient) -> None:
    runner: BatchRunner[int] = BatchRunner(llm, poll_interval=0.01)
    runner.add("a", request("answer a"), score)
    await runner.run()
    created = next(r.body for r in fake.requests if r.path == "/v1/messages/batches")
    assert created["requests"] == [{"custom_id": "a", "params": dict(request("answer a").params())}]


async def test_batch_usage_costs_half(fake: FakeAnthropic, llm: LLMClient) -> None:
    runner: BatchRunner[int] = BatchRunner(llm, poll_interval=0.01)
    for custom_id in ("a", "b"):
        runner.add(custom_id, request(f"answer {custom_id}"), score)
    outcome = await runner.run()
    assert set(outcome.succeeded) == {"a", "b"}
    assert outcome.usage.cache_write > 0 and outcome.usage.cache_read > 0
    assert outcome.cost == pytest.approx(outcome.usage.cost(MODEL) / 2)
    assert outcome.cost == pytest.approx(sum(r.cost for r in outcome.succeeded.values()))


async def test_entries_missing_from_results_are_failures(
        fake: FakeAnthropic, llm: LLMClient) -> None:
    runner: BatchRunner[int] = BatchRunner(llm, poll_interval=0.01)
    runner.add("a", request("answer a"), score)
    batch_id = await runner.submit()
    runner.add("late", request("never submitted"), score)
    outcome = await runner.collect(batch_id)
    assert set(outcome.succeeded) == {"a"}
    assert outcome.failed == {"late": BatchFailure("late", "missing")}


async def test_deadline_cancels_and_raises(fake: FakeAnthropic, llm: LLMClient) -> None:
    fake.batch_polls = 10_000
    runner: BatchRunner[int] = BatchRunner(llm, poll_interval=0.02, deadline=0.2)
    runner.add("a", request("answer a"), score)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable, match="cancel requested"):
        await runner.run()
    assert time.monotonic() - started < 2.0
    assert any(r.path.endswith("/cancel") for r in fake.requests)


async def test_budget_is_checked_at_batch_prices(fake: FakeAnthropic, llm: LLMClient) -> None:
    one = request("answer")
    batch_estimate = estimate_cost(MODEL, input_chars=one.input_chars(),
                                   cached_chars=one.prefix_chars(), max_tokens=one.max_tokens,
                                   batch=True)
    ledger = CostLedger(budget=batch_estimate * 1.5)
    assert not ledger.can_spend(batch_estimate * 2), "too small for one realtime call"
    runner: BatchRunner[int] = BatchRunner(llm, poll_interval=0.01, ledger=ledger)
    runner.add("a", one, score)
    outcome = await runner.run()
    assert ledger.spent == pytest.approx(outcome.cost) and ledger.calls == 1
    too_many: BatchRunner[int] = BatchRunner(llm, poll_interval=0.01, ledger=ledger)
    for index in range(3):
        too_many.add(f"n{index}", one, score)
    with pytest.raises(BudgetExceeded):
        await too_many.run()
    assert sum(r.path == "/v1/messages/batches" for r in fake.requests) == 1


@pytest.mark.parametrize("custom_id", ["", "has space", "jane.doe@example.com", "x" * 65])
async def test_custom_ids_are_checked(llm: LLMClient, custom_id: str) -> None:
    runner: BatchRunner[int] = BatchRunner(llm)
    with pytest.raises(ValueError):
        runner.add(custom_id, request("a"), score)


async def test_duplicate_and_empty_batches_are_refused(llm: LLMClient) -> None:
    runner: BatchRunner[int] = BatchRunner(llm)
    with pytest.raises(ValueError, match="no requests"):
        await runner.submit()
    runner.add("a", request("a"), score)
    with pytest.raises(ValueError, match="duplicate"):
        runner.add("a", request("b"), score)
    assert len(runner) == 1
