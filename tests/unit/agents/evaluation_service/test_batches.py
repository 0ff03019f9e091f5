"""Batch mode: the coordinator against the fake Message Batches API, on an in-memory store."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.db.evaluations_repo import evaluation_id_for
from adapters.llm import LLMClient, Usage
from agents.evaluation import Evaluator
from agents.evaluation_batches import BatchCoordinator
from agents.messages import OutMessage
from runtime.settings import Settings
from streams.topics import TopicNames
from tests.fake_anthropic import FakeAnthropic, Reply
from tests.unit.agents.evaluation_service.conftest import review_for, session
from tests.unit.agents.evaluation_service.memory_store import MemoryStore

SESSIONS = ("s-ok", "s-err", "s-exp")


@dataclass
class Rig:
    store: MemoryStore
    coordinator: BatchCoordinator
    fake: FakeAnthropic
    sent: list[OutMessage] = field(default_factory=list)

    def modes(self) -> dict[str, str]:
        return {e.session_id: e.mode for e in self.store.evaluations.values()}


async def queued(store: MemoryStore, settings: Settings, client: LLMClient) -> Evaluator:
    """Three sessions analysed with a key and batches on: all stored llm-pending."""
    evaluator = Evaluator(store, settings, client)
    for sid in SESSIONS:
        store.add_session(session(sid))
        await evaluator.analyze(sid, f"cand-{sid}", urgent=False)
    return evaluator


@pytest.fixture
async def rig(fake: FakeAnthropic) -> AsyncIterator[Rig]:
    fake.batch_polls = 1
    settings = fake.settings(llm_batch_min_requests=3, llm_batch_max_wait_seconds=3600)
    store = MemoryStore()
    async with LLMClient(settings) as client:
        evaluator = await queued(store, settings, client)
        sent: list[OutMessage] = []

        async def send(out: OutMessage) -> None:
            sent.append(out)

        coordinator = BatchCoordinator(evaluator, store, client, send, TopicNames())
        yield Rig(store, coordinator, fake, sent)


def batch_creates(fake: FakeAnthropic) -> list[Any]:
    return [r.body for r in fake.requests if r.path == "/v1/messages/batches"]


async def test_results_map_back_by_custom_id(rig: Rig) -> None:
    ids = {sid: evaluation_id_for(sid, "2024.1") for sid in SESSIONS}
    rig.fake.script_batch(ids["s-ok"], Reply.tool(review_for(session("s-ok"), 81.0)))
    rig.fake.script_batch(ids["s-err"], Reply.error(500, "api_error"))
    rig.fake.script_batch(ids["s-exp"], Reply.expired())
    await rig.coordinator.tick()  # submits
    [created] = batch_creates(rig.fake)
    assert sorted(r["custom_id"] for r in created["requests"]) == sorted(ids.values())
    assert {r.status for r in rig.store.queue.values()} == {"submitted"}
    await rig.coordinator.tick()  # still in progress
    assert rig.sent == [] and set(rig.modes().values()) == {"llm-pending"}
    await rig.coordinator.tick()  # ended: collected
    assert rig.modes() == {"s-ok": "llm", "s-err": "fallback", "s-exp": "fallback"}
    by_session = {e.session_id: e for e in rig.store.evaluations.values()}
    ok = by_session["s-ok"]
    tokens = Usage(ok.usage["inputTokens"], ok.usage["outputTokens"],
                   ok.usage["cacheWriteTokens"], ok.usage["cacheReadTokens"])
    assert ok.usage["channel"] == "batch" and ok.cost_dollars > 0
    assert ok.cost_dollars == pytest.approx(tokens.cost("claude-sonnet-4-5", batch=True))
    assert ok.result["dimensions"]["code_quality"]["breakdown"]["llm"] == 81.0
    reasons = {f["reason"] for f in by_session["s-exp"].result["flags"]
               if f["code"] == "llm_method_dropped"}
    assert reasons == {"LLM review dropped: batch entry expired"}
    assert "batch entry errored (api_error)" in str(by_session["s-err"].result["flags"])
    announced = sorted(json.loads(m.value)["data"]["evaluationId"] for m in rig.sent)
    assert announced == sorted(ids.values()) and rig.store.queue == {}
    assert "Ada" not in rig.fake.sent_text() and "example.com" not in rig.fake.sent_text()


async def test_waits_for_enough_requests_or_the_oldest_to_age(rig: Rig) -> None:
    del rig.store.queue[evaluation_id_for("s-exp", "2024.1")]
    await rig.coordinator.tick()
    assert batch_creates(rig.fake) == [], "2 of 3 requests, none old enough"
    rig.coordinator.now = lambda: datetime.now(UTC) + timedelta(hours=2)
    await rig.coordinator.tick()
    assert len(batch_creates(rig.fake)[0]["requests"]) == 2


async def test_api_down_keeps_reviews_queued(rig: Rig, fake: FakeAnthropic) -> None:
    settings = fake.settings(anthropic_base_url="http://127.0.0.1:9", llm_max_retries=0)
    async with LLMClient(settings) as down:
        rig.coordinator.client = down
        await rig.coordinator.tick()
    assert {r.status for r in rig.store.queue.values()} == {"pending"} and rig.sent == []


async def test_a_batch_past_its_deadline_is_cancelled_and_falls_back(rig: Rig) -> None:
    rig.fake.batch_polls = 100
    await rig.coordinator.tick()
    rig.coordinator.now = lambda: datetime.now(UTC) + timedelta(hours=26)
    await rig.coordinator.tick()
    assert any(r.path.endswith("/cancel") for r in rig.fake.requests)
    assert set(rig.modes().values()) == {"fallback"} and len(rig.sent) == 3
    assert rig.store.queue == {}


async def test_a_realtime_result_supersedes_the_queued_review(rig: Rig) -> None:
    evaluator = rig.coordinator.evaluator
    await evaluator.analyze("s-ok", "cand-s-ok", urgent=True)
    assert evaluation_id_for("s-ok", "2024.1") not in rig.store.queue
    assert rig.modes()["s-ok"] == "llm"


async def test_one_coordinator_at_a_time(rig: Rig) -> None:
    async with rig.store.batch_lock():
        await rig.coordinator.tick()
    assert batch_creates(rig.fake) == []
