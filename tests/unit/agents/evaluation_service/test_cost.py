"""What one review costs at a realistic prompt size: a model, measured on the fake server.

The fake bills ``ceil(chars / 4)`` tokens per part, near the real tokenizer for
English and code. The session here has 62 events, prompts of ~60 words and a
160-line final file (a ~43,000-character request, ~18,000 of them the cached tool
schema, instructions and rubric), and the model answers with 900 output tokens.
Figures at Sonnet 4.5 list prices ($3 in, $15 out, $3.75 cache write, $0.30 cache
read per MTok).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from adapters.llm import LLMClient, estimate_cost
from agents.evaluation_service import realtime_review, review_request, rubric_from
from assess.recording import RecordedEvent
from interviewlm.synthetic import generate_session, plan_sessions
from tests.fake_anthropic import FakeAnthropic, Reply
from tests.unit.agents.evaluation_service.conftest import review_for

_CHAT = " I tried sorting by start first but the touching intervals still split;" * 3


def realistic(seed: int) -> list[RecordedEvent]:
    plan = plan_sessions(1, 62, seed)[0]
    code = "def merge(items):\n" + "\n".join(
        f"    value_{i} = compute(items[{i}])  # step {i} of the merge" for i in range(160))
    out = []
    for i, event in enumerate(generate_session(plan, seed).events):
        data = dict(event["data"])
        if event["type"] == "ai-interaction":
            data["candidateMessage"] = str(data["candidateMessage"]) + _CHAT
            data["aiResponse"] = "Consider comparing with the previous end. " * 8
        elif event["type"] == "session-complete":
            data["finalCode"] = {"solution.py": code}
        stamp = datetime.fromisoformat(str(data["timestamp"]).replace("Z", "+00:00"))
        out.append(RecordedEvent(f"interview:3:{1000 + i}", i, event["type"], stamp, data))
    return out


async def test_realistic_review_fits_the_budget(fake: FakeAnthropic) -> None:
    settings = fake.settings()
    rubric = rubric_from(settings)
    costs = []
    async with LLMClient(settings) as client:
        for seed in (1, 2):
            recording = realistic(seed)
            fake.queue(Reply.tool(review_for(recording), output_tokens=900))
            review = await realtime_review(client, recording, rubric, settings)
            assert review.status == "used"
            costs.append((review.usage, review.cost))
    (first, first_cost), (second, second_cost) = costs
    assert 6000 < first.input < 7500 and first.cache_write > 4096
    assert second.cache_read == first.cache_write and second.cache_write == 0
    assert first_cost == pytest.approx(0.049, abs=0.002)  # cache write of tools, system, rubric
    assert second_cost == pytest.approx(0.0354, abs=0.002)  # the same prefix read from cache
    request = review_request(realistic(1), rubric, settings)
    upper = estimate_cost(request.model, input_chars=request.input_chars(),
                          cached_chars=request.prefix_chars(), max_tokens=request.max_tokens)
    assert upper == pytest.approx(request.estimate(client.prices))
    assert 0.055 < upper < settings.llm_budget_evaluation_dollars, "first call is allowed"
    assert first_cost + upper > settings.llm_budget_evaluation_dollars, \
        "so a malformed answer at this size is dropped: its retry would not fit"
    assert request.estimate(client.prices, batch=True) == pytest.approx(upper / 2)
