"""The evaluation job handler on an in-memory store (LLM calls go to the fake server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.db.evaluations_repo import evaluation_id_for
from adapters.llm import LLMClient
from agents.evaluation import (
    EvaluationHandler,
    Evaluator,
    NotReady,
    NotScorable,
    completion_message,
)
from agents.messages import OutMessage, RawMessage
from assess.recording import RecordedEvent
from runtime.errors import PermanentError
from runtime.metrics import REGISTRY
from runtime.settings import Settings, load_settings
from streams.codec import decode
from streams.events import Event
from streams.topics import TopicNames
from tests.fake_anthropic import FakeAnthropic
from tests.unit.agents.evaluation_service.conftest import session
from tests.unit.agents.evaluation_service.memory_store import MemoryStore

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
        "evaluationId": stored.evaluation_id, "rubricVersion": "2024.1",
        "overallScore": round(stored.overall_score, 2)}
    assert counted("ok") + counted("needs_review") > ok
    assert REGISTRY.get_sample_value("interviewlm_evaluation_duration_seconds_count") == \
        seconds + 1


async def test_unknown_session_is_transient_until_the_last_attempt() -> None:
    store = MemoryStore()
    failed = counted("failed")
    with pytest.raises(NotReady, match="no events recorded"):
        await handler(store, grace(0))(*analyze(attempt=4))
    assert counted("failed") == failed, "a retried job has not failed yet"
    with pytest.raises(NotScorable, match="no events recorded after 5 attempts"):
        await handler(store, grace(0))(*analyze(attempt=5))
    assert isinstance(NotScorable("x"), PermanentError) and counted("failed") == failed + 1
    assert store.evaluations == {}


def grace(seconds: float) -> Settings:
    return load_settings(anthropic_api_key=None, analyze_grace_seconds=seconds)


def live_analyze(age: float, attempt: int = 1, offset: int = 1) -> tuple[Event, RawMessage]:
    """An analyze stamped ``age`` seconds ago for a session with no session-complete."""
    stamp = (datetime.now(UTC) - timedelta(seconds=age)).isoformat()
    raw = json.dumps({"type": "analyze", "data": {
        "sessionId": "sess-1", "timestamp": stamp, "candidateId": "cand-42",
        "priority": 5}}).encode()
    headers = (("x-attempt", str(attempt).encode()),) if attempt > 1 else ()
    return decode(raw, topic="evaluation"), RawMessage("t.evaluation", 0, offset, b"sess-1",
                                                       raw, headers)


async def test_analyze_without_session_complete_waits_the_grace_period_then_scores() -> None:
    store = MemoryStore()
    store.add_session(session()[:-1])  # chats, code, tests: the platform sends no completion
    with pytest.raises(NotReady, match="waiting") as waiting:
        await handler(store, grace(30))(*live_analyze(age=10))
    assert waiting.value.retry_after is not None and 19 < waiting.value.retry_after <= 20
    assert store.evaluations == {}
    [out] = await handler(store, grace(30))(*live_analyze(age=11, attempt=2))
    [stored] = store.evaluations.values()
    assert decode(out.value, topic="notification").data.evaluation_id == stored.evaluation_id


@pytest.mark.parametrize("age", [0.0, 31.0, 3600.0])
async def test_grace_never_exceeds_its_period_and_an_old_analyze_scores_at_once(
        age: float) -> None:
    store = MemoryStore()
    store.add_session(session()[:-1])
    if age < 30:
        with pytest.raises(NotReady) as waiting:
            await handler(store, grace(30))(*live_analyze(age=-600))  # producer clock ahead
        assert waiting.value.retry_after == 30
        return
    assert len(await handler(store, grace(30))(*live_analyze(age=age))) == 1


@pytest.mark.parametrize("order", ["complete-first", "analyze-first"])
async def test_session_complete_and_platform_analyze_announce_once(order: str) -> None:
    """The interview agent's analyze (after session-complete) and the submit route's
    analyze, in either order and each redelivered: one evaluation, one announcement
    (only the owner's redelivery repeats it, with the same event id)."""
    store = MemoryStore()
    complete = session()
    store.add_session(complete[:-1] if order == "analyze-first" else complete)
    h = handler(store, grace(0))
    platform, agent = live_analyze(age=1, offset=7), analyze()
    first, second = (agent, platform) if order == "complete-first" else (platform, agent)
    announced = await h(*first)
    store.recordings["sess-1"] = complete
    assert await h(*second) == [] and await h(*second) == []
    again = await h(*first)
    assert len(store.evaluations) == 1 and len(announced) == len(again) == 1
    ids = {json.loads(m.value)["eventId"] for m in announced + again}
    [stored] = store.evaluations.values()
    assert ids == {f"evaluation-complete:{stored.evaluation_id}:2024.1"}


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
    for fmt in ("html", "json", "pdf"):
        assert await handler(store)(*job("generate-report", {
            "sessionId": "sess-1", "evaluationId": evaluation_id, "format": fmt})) == []
    assert b'<svg id="timeline-chart"' in store.reports[(evaluation_id, "html")]
    assert json.loads(store.reports[(evaluation_id, "json")])["evaluationId"] == evaluation_id
    assert store.reports[(evaluation_id, "pdf")].startswith(b"%PDF-")


async def test_report_errors() -> None:
    store = MemoryStore()
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


def comprehensive(candidate_id: str = "cand-42", priority: str = "high",
                  attempt: int = 1) -> tuple[Event, RawMessage]:
    raw = json.dumps({"name": "comprehensive", "data": {
        "sessionId": candidate_id, "candidateId": candidate_id,
        "triggeredAt": "2026-01-05T10:00:00Z", "priority": priority}}).encode()
    headers = (("x-attempt", str(attempt).encode()),) if attempt > 1 else ()
    return decode(raw, topic="evaluation"), RawMessage("t.evaluation", 0, 9,
                                                       candidate_id.encode(), raw, headers)


async def test_comprehensive_evaluates_the_candidates_latest_session(
        fake: FakeAnthropic) -> None:
    store = MemoryStore()
    older = session("sess-old")
    store.add_session([RecordedEvent(e.event_id, e.seq, e.type,
                                     e.timestamp - timedelta(days=2), e.data) for e in older])
    store.add_session(session("sess-new"))
    store.candidates["cand-42"] = {"sess-old", "sess-new"}
    settings = fake.settings()
    async with LLMClient(settings) as client:
        [out] = await handler(store, settings, client)(*comprehensive(priority="high"))
    [stored] = store.evaluations.values()
    assert stored.session_id == "sess-new" and stored.mode == "llm", "high = urgent: realtime"
    assert decode(out.value, topic="notification").data.session_id == "sess-new"


async def test_comprehensive_for_an_unknown_candidate_retries_then_dead_letters() -> None:
    store = MemoryStore()
    with pytest.raises(NotReady, match="no session known for candidate cand-7"):
        await handler(store)(*comprehensive("cand-7"))
    with pytest.raises(NotScorable, match="after 5 attempts"):
        await handler(store)(*comprehensive("cand-7", attempt=5))
