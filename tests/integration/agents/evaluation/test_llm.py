"""The LLM paths of a real evaluation worker against the fake Anthropic server.

One worker (batch mode on) takes an urgent analyze in realtime and three
non-urgent ones through a Message Batch, one of whose entries errors.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from adapters.db.evaluations_repo import evaluation_id_for
from adapters.llm import Usage
from interviewlm.stack import StackInfo
from tests.fake_anthropic import Reply
from tests.integration.agents.evaluation.conftest import (
    ThreadedFake,
    seed_sessions,
    sessions,
    start_worker,
)
from tests.integration.agents.evaluation.test_pipeline import analyze
from tests.integration.agents.interview.conftest import fetch, wait_for
from tests.support.kafka import publish_json, read_topic

pytestmark = pytest.mark.integration

MODEL = "claude-sonnet-4-5"
NAME, EMAIL = "Jane Doe", "jane.doe@example.com"
EVALUATIONS = "SELECT * FROM internal.evaluations ORDER BY session_id"


def review_citing(event_id: str) -> dict[str, Any]:
    entry = {"score": 70, "rationale": "Steady edit-test cycles.",
             "evidence": [{"event_id": event_id, "snippet": "tests"}]}
    return {name: entry for name in ("code_quality", "problem_solving", "ai_collaboration",
                                     "communication")}


def with_identity(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidate introduces themself in a prompt (the scrubber must catch it)."""
    out = [dict(e) for e in events]
    first_chat = next(i for i, e in enumerate(out) if e["type"] == "ai-interaction")
    data = dict(out[first_chat]["data"])
    data["candidateMessage"] = f"Hi, I am {NAME} ({EMAIL}). " + data["candidateMessage"]
    out[first_chat] = {**out[first_chat], "data": data}
    return out


def cost_of(usage: dict[str, Any], batch: bool) -> float:
    return Usage(usage["inputTokens"], usage["outputTokens"], usage["cacheWriteTokens"],
                 usage["cacheReadTokens"]).cost(MODEL, batch)


def test_realtime_and_batch_reviews(stack: StackInfo, database_url: str, topic_prefix: str,
                                    eval_env: dict[str, str], tmp_path: Path,
                                    threaded_fake: ThreadedFake) -> None:
    fake, topic = threaded_fake.fake, f"{topic_prefix}interview"
    recorded = [(plan, with_identity(events)) for plan, events in sessions(4, seed=41)]
    asyncio.run(seed_sessions(database_url, topic, recorded,
                              {"candidateName": NAME, "candidateEmail": EMAIL}))
    fake.default_tool_input = review_citing(f"{topic}:0:3")
    ids = [evaluation_id_for(plan.session_id, "2024.1") for plan, _ in recorded]
    for index in (1, 2):
        fake.script_batch(ids[index], Reply.tool(review_citing(f"{topic}:0:{index * 1000 + 3}"),
                                                 output_tokens=600))
    fake.script_batch(ids[3], Reply.error(500, "overloaded_error"))
    env = {**eval_env, **threaded_fake.env(
        LLM_BATCH_INTERVAL_SECONDS="0.5", LLM_BATCH_MIN_REQUESTS="3")}
    worker = start_worker(env, tmp_path)
    try:
        urgent = recorded[0][0]
        asyncio.run(publish_json(stack.bootstrap_servers, f"{topic_prefix}evaluation-urgent",
                                 [analyze(urgent.session_id, urgent.candidate_id, 9)]))
        [row] = asyncio.run(wait_for(database_url, EVALUATIONS, lambda r: len(r) == 1, 60))
        check_realtime(row, fake.sent_text(), [p.candidate_id for p, _ in recorded])
        asyncio.run(publish_json(stack.bootstrap_servers, f"{topic_prefix}evaluation", [
            analyze(plan.session_id, plan.candidate_id) for plan, _ in recorded[1:]]))
        rows = asyncio.run(wait_for(database_url, EVALUATIONS, lambda r: len(r) == 4 and all(
            x["mode"] != "llm-pending" for x in r), 60))
        check_batch(rows[1:], ids[1:])
        queue = asyncio.run(fetch(database_url, "SELECT * FROM internal.llm_batch_requests"))
        assert queue == []
        done = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic_prefix}notification",
                                      expect=4, timeout=30))
        assert sorted(json.loads(r.value)["data"]["evaluationId"] for r in done) == sorted(ids)
    finally:
        worker.stop()
    assert NAME not in fake.sent_text() and EMAIL not in fake.sent_text()
    logs = worker.logs()
    assert '"llm_cache_prefix"' in logs and "llm_cache_prefix_too_short" not in logs, \
        "the worker counted the cached prefix at start and found it long enough"
    assert sum(r.path == "/v1/messages/count_tokens" for r in fake.requests) == 2


def check_realtime(row: dict[str, Any], sent: str, candidate_ids: list[str]) -> None:
    assert row["mode"] == "llm" and row["model"] == MODEL
    usage = json.loads(row["usage"])
    assert usage["channel"] == "realtime" and usage["calls"] == 1
    assert usage["inputTokens"] > 0 and usage["cacheWriteTokens"] > 0
    assert row["cost_dollars"] == pytest.approx(cost_of(usage, batch=False))
    result = json.loads(row["result"])
    assert all("llm" in d["breakdown"] for d in result["dimensions"].values())
    for secret in (NAME, "Jane", EMAIL, *candidate_ids):
        assert secret not in sent, f"{secret!r} reached the LLM API"
    assert NAME not in row["result"] and EMAIL not in row["result"]


def check_batch(rows: list[dict[str, Any]], ids: list[str]) -> None:
    by_id = {r["evaluation_id"]: r for r in rows}
    for evaluation_id in ids[:2]:
        row = by_id[evaluation_id]
        usage = json.loads(row["usage"])
        assert row["mode"] == "llm" and usage["channel"] == "batch"
        assert usage["outputTokens"] == 600
        assert row["cost_dollars"] == pytest.approx(cost_of(usage, batch=True))
    errored = by_id[ids[2]]
    result = json.loads(errored["result"])
    assert errored["mode"] == "fallback" and errored["cost_dollars"] == 0
    dropped = [f for f in result["flags"] if f["code"] == "llm_method_dropped"]
    assert len(dropped) == 4 and "batch entry errored (overloaded_error)" in dropped[0]["reason"]
    assert all("llm" not in d["breakdown"] for d in result["dimensions"].values())
