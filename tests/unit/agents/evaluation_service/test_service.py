"""The scoring service: modes and flags, review validation, the realtime LLM review."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.analysis import run_static_analysis
from adapters.llm import LLMClient, LLMUnavailable
from agents.evaluation_service import (
    Review,
    realtime_review,
    recording_digest,
    redact_terms,
    review_validator,
    rubric_from,
    score,
)
from assess.evaluation import DIMENSIONS, final_code
from runtime.settings import load_settings
from tests.fake_anthropic import FakeAnthropic, Reply
from tests.unit.agents.evaluation_service.conftest import EMAIL, NAME, review_for, session

RUBRIC = rubric_from(load_settings())


def scored(review: Review) -> Any:
    recording = session()
    return score(recording, rubric=RUBRIC, signals=None,
                 static=run_static_analysis(final_code(recording)), review=review,
                 redact=redact_terms(recording))


def codes(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(f["code"], f["dimension"]) for f in result["flags"]]


def test_offline_is_deterministic_and_marked() -> None:
    first, second = scored(Review("offline")), scored(Review("offline"))
    assert first.mode == "offline" and first.final and first.result == second.result
    assert ("offline_mode", None) in codes(first.result)
    assert first.result["llm"]["status"] == "offline" and first.cost == 0


def test_a_dropped_review_flags_every_dimension() -> None:
    result = scored(Review("dropped", model="claude-sonnet-4-5", channel="realtime",
                           reason="no valid review in 2 attempts (no_tool_use)")).result
    assert result["mode"] == "fallback"
    assert [c for c in codes(result) if c[0] == "llm_method_dropped"] == [
        ("llm_method_dropped", name) for name in DIMENSIONS]
    assert ("offline_mode", None) not in codes(result)
    assert "no valid review in 2 attempts" in result["flags"][-1]["reason"]
    for dimension in result["dimensions"].values():  # and what is missing says why
        assert ("llm: the LLM review was dropped (no valid review in 2 attempts (no_tool_use))"
                in dimension["missing"])


def test_a_pending_review_is_provisional() -> None:
    pending = scored(Review("pending", model="claude-sonnet-4-5", channel="batch"))
    assert pending.mode == "llm-pending" and not pending.final
    assert any("queued in a message batch" in f["reason"] for f in pending.result["flags"])
    assert all("llm: the LLM review is queued in a message batch" in d["missing"]
               for d in pending.result["dimensions"].values())


def test_a_used_review_is_one_more_method() -> None:
    recording = session()
    reviews = review_validator(recording)(review_for(recording, 64.0))
    used = scored(Review("used", reviews, model="claude-sonnet-4-5", channel="realtime"))
    assert used.mode == "llm" and used.evaluation.model == "claude-sonnet-4-5"
    assert all(d["breakdown"]["llm"] == 64.0 for d in used.result["dimensions"].values())


def test_identity_never_reaches_evidence() -> None:
    text = str(scored(Review("offline")).result)
    assert NAME not in text and EMAIL not in text and "cand-42" not in text


@pytest.mark.parametrize("broken", [
    {"code_quality": None}, {"code_quality": {"score": 101, "rationale": "", "evidence": []}},
    {"code_quality": {"score": "70", "rationale": "", "evidence": []}},
    {"code_quality": {"score": True, "rationale": "", "evidence": []}},
    {"code_quality": {"score": 70, "rationale": "ok"}},
])
def test_incomplete_reviews_are_rejected(broken: dict[str, Any]) -> None:
    recording = session()
    with pytest.raises(ValueError, match="code_quality"):
        review_validator(recording)({**review_for(recording), **broken})


def test_digest_and_redact_terms() -> None:
    recording = session()
    assert recording_digest(recording) == recording_digest(list(recording))
    assert recording_digest(recording) != recording_digest(recording[:-1])
    assert redact_terms(recording, ["cand-x", None]) == ["cand-42", EMAIL, NAME, "cand-x"]


async def test_realtime_review_is_used_priced_and_scrubbed(fake: FakeAnthropic) -> None:
    settings = fake.settings()
    async with LLMClient(settings) as client:
        review = await realtime_review(client, session(), RUBRIC, settings)
    assert review.status == "used" and review.channel == "realtime" and review.calls == 1
    assert review.usage.cache_write > 0 and review.cost == pytest.approx(
        review.usage.cost("claude-sonnet-4-5"))
    body = fake.message_bodies()[0]
    assert body["model"] == "claude-sonnet-4-5" and body["tool_choice"]["name"] == "submit_review"
    assert [b.get("cache_control") for b in body["system"]] == [None, {"type": "ephemeral"}]
    for secret in (NAME, "Ada", EMAIL, "cand-42"):
        assert secret not in fake.sent_text()


async def test_malformed_twice_drops_the_method(fake: FakeAnthropic) -> None:
    fake.queue(Reply.text(), Reply.tool({"code_quality": {"score": 50}}))
    settings = fake.settings()
    async with LLMClient(settings) as client:
        review = await realtime_review(client, session(), RUBRIC, settings)
    assert review.status == "dropped" and review.calls == 2 and review.cost > 0
    assert review.reason == "no valid review in 2 attempts (invalid_input:ValueError)"
    assert scored(review).result["mode"] == "fallback"


async def test_over_budget_is_dropped_before_any_call(fake: FakeAnthropic) -> None:
    settings = fake.settings(llm_budget_evaluation_dollars=0.001)
    async with LLMClient(settings) as client:
        review = await realtime_review(client, session(), RUBRIC, settings)
    assert review.status == "dropped" and review.reason.startswith("budget $0.00")
    assert fake.message_bodies() == []


async def test_refused_request_is_dropped(fake: FakeAnthropic) -> None:
    fake.queue(Reply.error(400, "invalid_request_error"))
    settings = fake.settings()
    async with LLMClient(settings) as client:
        review = await realtime_review(client, session(), RUBRIC, settings)
    assert review.status == "dropped" and "status 400" in review.reason


async def test_unavailable_is_retried_by_the_job_until_its_last_attempt(
        fake: FakeAnthropic) -> None:
    settings = fake.settings(llm_max_retries=0)
    fake.queue(Reply.overloaded(), Reply.overloaded())
    async with LLMClient(settings) as client:
        with pytest.raises(LLMUnavailable):
            await realtime_review(client, session(), RUBRIC, settings, final_attempt=False)
        review = await realtime_review(client, session(), RUBRIC, settings, final_attempt=True)
    assert review.status == "dropped" and "unavailable" in review.reason
