"""The evaluation job handler on an in-memory store (LLM calls go to the fake server)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.db.evaluations_repo import evaluation_id_for
from adapters.llm import LLMClient
from adapters.reports import ReportFormatUnsupported
from agents.evaluation import (
    EvaluationHandler,
    Evaluator,
    NotReady,
    NotScorable,
    completion_message,
)
from agents.messages import OutMessage, RawMessage
from runtime.errors import PermanentError
from runtime.metrics import REGISTRY
from runtime.settings import Settings, load_settings
from streams.codec import decode
from streams.events import Event
from streams.topics import TopicNames
from tests.fake_anthropic import FakeAnthropic
from tests.unit.evaluation_service.conftest import session
from tests.unit.evaluation_service.memory_store import MemoryStore

NAMES = TopicNames("t.")


def job(kind: str, data: dict[str, Any], topic: str = "t.evaluation",
        attempt: int = 1) -> tuple[Event, RawMessage]:
    raw = json.dumps({"type": kind, "data": {"timestamp": "2026-01-05T10:00:00Z",
                                             **data}}).encode()
    headers = (("x-attempt", str(attempt).encode()),) if attempt > 1 else ()
    msg = RawMessage(topic, 0, 1, data["sessionId"].encode(), raw, headers)
    return decode(raw, topic=NAMES.base(topic).removesuffix(".retry")), msg


def analyze(session_id: str = "sess-1", priority: int = 1, topic: str = "t.evaluation",
            attempt: int = 1) -> tuple[Event, RawMessage]:
    return job("analyze", {"sessionId": session_id, "candidateId": "cand-42",
                           "priority": priority}, topic, attempt)


def handler(store: MemoryStore, settings: Settings | None = None,
            client: LLMClient | None = None) -> EvaluationHandler:
    settings = settings or load_settings(anthropic_api_key=None)
    return EvaluationHandler(Evaluator(store, settings, client), NAMES)


def counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("interviewlm_evaluations_total", {"outcome": outcome}) or 0.0


async def test_offline_analyze_stores_and_announces() -> None:
    store = MemoryStore()
    store.add_session(session())
    ok, seconds = counted("ok"), REGISTRY.get_sample_value(
        "interviewlm_evaluation_duration_seconds_count") or 0.0
    [out] = await handler(store)(*analyze())
    [stored] = store.evaluations.values()
    assert stored.evaluation_id == evaluation_id_for("sess-1", "2024.1")
    assert stored.mode == "offline" and stored.candidate_id == "cand-42"
    assert out.topic == "t.notification" and out.key == b"sess-1"
    done = decode(out.value, topic="notification")
    assert done.type == "evaluation-complete"
    assert done.data.model_dump(by_alias=True) | {"timestamp": None} == {
        "sessionId": "sess-1", "timestamp": None, "candidateId": "cand-42",
        "evaluationId": stored.evaluation_id, "overallScore": round(stored.overall_score, 2)}
    assert counted("ok") + counted("needs_review") > ok
    assert REGISTRY.get_sample_value("interviewlm_evaluation_duration_seconds_count") == \
        seconds + 1


@pytest.mark.parametrize("recording", [[], session()[:-1]], ids=["unknown", "live"])
async def test_incomplete_session_is_transient_until_the_last_attempt(
        recording: list[Any]) -> None:
    store = MemoryStore()
    if recording:
        store.add_session(recording)
    failed = counted("failed")
    with pytest.raises(NotReady, match="not complete yet"):
        await handler(store)(*analyze(attempt=4))
    assert counted("failed") == failed, "a retried job has not failed yet"
    with pytest.raises(NotScorable, match="no session-complete event after 5 attempts"):
        await handler(store)(*analyze(attempt=5))
    assert isinstance(NotScorable("x"), PermanentError) and counted("failed") == failed + 1
    assert store.evaluations == {}


async def test_redelivered_analyze_reuses_the_stored_result() -> None:
    store = MemoryStore()
    store.add_session(session())
    first = await handler(store)(*analyze())
    second = await handler(store)(*analyze())
    assert store.saves == 1 and len(store.evaluations) == 1
    assert json.loads(first[0].value)["eventId"] == json.loads(second[0].value)["eventId"]


async def test_changed_recording_is_scored_again_into_the_same_row() -> None:
    store = MemoryStore()
    sid = store.add_session(session())
    await handler(store)(*analyze())
    store.recordings[sid] = session()[:-2] + session()[-1:]
    await handler(store)(*analyze())
    assert store.saves == 2 and len(store.evaluations) == 1


async def test_non_urgent_review_waits_for_a_batch(fake: FakeAnthropic) -> None:
    store = MemoryStore()
    store.add_session(session())
    settings = fake.settings()
    async with LLMClient(settings) as client:
        out = await handler(store, settings, client)(*analyze(priority=7))
    [stored] = store.evaluations.values()
    assert out == [] and stored.mode == "llm-pending" and not stored.final
    assert list(store.queue) == [stored.evaluation_id] and fake.message_bodies() == []


@pytest.mark.parametrize(("priority", "topic", "batches"), [
    (8, "t.evaluation", True), (1, "t.evaluation-urgent", True),
    (1, "t.evaluation-urgent.retry", True), (1, "t.evaluation", False)])
async def test_urgent_or_unbatched_reviews_run_in_realtime(
        fake: FakeAnthropic, priority: int, topic: str, batches: bool) -> None:
    store = MemoryStore()
    store.add_session(session())
    settings = fake.settings(llm_batch_enabled=batches)
    async with LLMClient(settings) as client:
        [out] = await handler(store, settings, client)(*analyze(priority=priority, topic=topic))
    [stored] = store.evaluations.values()
    assert stored.mode == "llm" and stored.usage["channel"] == "realtime"
    assert stored.cost_dollars > 0 and len(fake.message_bodies()) == 1
    assert isinstance(out, OutMessage)


async def test_offline_result_is_rescored_once_a_key_is_set(fake: FakeAnthropic) -> None:
    store = MemoryStore()
    store.add_session(session())
    await handler(store)(*analyze())
    settings = fake.settings()
    async with LLMClient(settings) as client:
        await handler(store, settings, client)(*analyze(priority=9))
    assert [e.mode for e in store.evaluations.values()] == ["llm"]


async def test_reports_are_rendered_and_stored() -> None:
    store = MemoryStore()
    store.add_session(session())
    [out] = await handler(store)(*analyze())
    evaluation_id = json.loads(out.value)["data"]["evaluationId"]
    for fmt in ("html", "json"):
        assert await handler(store)(*job("generate-report", {
            "sessionId": "sess-1", "evaluationId": evaluation_id, "format": fmt})) == []
    assert b'<svg id="timeline-chart"' in store.reports[(evaluation_id, "html")]
    assert json.loads(store.reports[(evaluation_id, "json")])["evaluationId"] == evaluation_id


async def test_report_errors() -> None:
    store = MemoryStore()
    pdf = job("generate-report", {"sessionId": "s", "evaluationId": "ev_x", "format": "pdf"})
    with pytest.raises(ReportFormatUnsupported, match="PDF reports are not produced"):
        await handler(store)(*pdf)
    missing = {"sessionId": "s", "evaluationId": "ev_x", "format": "html"}
    with pytest.raises(NotReady):
        await handler(store)(*job("generate-report", missing))
    with pytest.raises(NotScorable, match="no evaluation ev_x"):
        await handler(store)(*job("generate-report", missing, attempt=5))


async def test_completion_message_carries_no_personal_data() -> None:
    store = MemoryStore()
    store.add_session(session())
    await handler(store)(*analyze())
    [stored] = store.evaluations.values()
    body = completion_message(stored, NAMES).value.decode()
    assert "Ada" not in body and "example.com" not in body
