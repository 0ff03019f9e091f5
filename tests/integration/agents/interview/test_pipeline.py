"""A simulated session through the real broker, worker and database."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import pytest

from assess.irt import Grid, ItemParams, eap, initial_log_posterior, update
from interviewlm.stack import StackInfo
from interviewlm.synthetic import generate_session, plan_sessions
from tests.integration.agents.interview.conftest import fetch, wait_for
from tests.support.kafka import committed_reach_end, publish_json, read_topic
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

COMPLETED = "SELECT * FROM internal.session_metrics WHERE completed_at IS NOT NULL"


def sessions(n: int, seed: int) -> list[list[dict[str, Any]]]:
    return [generate_session(p, seed).events for p in plan_sessions(n, 27, seed)]


def expected_theta(events: list[dict[str, Any]]) -> tuple[float, float]:
    """EAP computed directly from the answers' item parameters (the IRT package)."""
    grid, log_post = Grid(), initial_log_posterior(Grid())
    for event in events:
        if event["type"] == "question-answered":
            item = ItemParams(**event["data"]["itemParams"])
            log_post = update(log_post, grid, item, 1.0 if event["data"]["isCorrect"] else 0.0)
    est = eap(log_post, grid)
    return est.theta, est.se


async def run_sessions(stack: StackInfo, prefix: str, all_events: list[list[dict[str, Any]]],
                       database_url: str) -> list[dict[str, Any]]:
    """Publish, wait for completion, then for the agent's own adjust-difficulty events
    (it publishes them on the interview topic and folds them in like any other)."""
    flat = [e for events in all_events for e in events]
    await publish_json(stack.bootstrap_servers, f"{prefix}interview", flat)
    await wait_for(database_url, COMPLETED, lambda r: len(r) == len(all_events))
    records = await read_topic(stack.bootstrap_servers, f"{prefix}interview")
    adjusts = Counter(json.loads(r.value)["data"]["sessionId"] for r in records
                      if json.loads(r.value)["type"] == "adjust-difficulty")
    expected = {ev[0]["data"]["sessionId"]: len(ev) + adjusts[ev[0]["data"]["sessionId"]]
                for ev in all_events}
    return await wait_for(database_url, COMPLETED, lambda rows: {
        r["session_id"]: r["events_applied"] for r in rows} == expected)


def own_events(row: dict[str, Any]) -> dict[str, int]:
    counts = json.loads(row["event_counts"])
    counts.pop("adjust-difficulty", None)
    return dict(counts)


def test_simulated_sessions_produce_expected_state_and_rows(
        stack: StackInfo, database_url: str, topic_prefix: str,
        interview_worker: WorkerProcess) -> None:
    all_events = sessions(3, seed=11)
    rows = asyncio.run(run_sessions(stack, topic_prefix, all_events, database_url))
    by_session = {r["session_id"]: r for r in rows}
    for events in all_events:
        sid = events[0]["data"]["sessionId"]
        row = by_session[sid]
        assert own_events(row) == dict(Counter(e["type"] for e in events))
        theta, se = expected_theta(events)
        assert row["theta"] == pytest.approx(theta, abs=1e-9)
        assert row["se"] == pytest.approx(se, abs=1e-9)
        answers = [e for e in events if e["type"] == "question-answered"]
        assert row["questions_answered"] == len(answers)
        assert row["correct"] == sum(e["data"]["isCorrect"] for e in answers)
    recorded = asyncio.run(fetch(database_url, "SELECT session_id, count(*) AS n FROM "
                                 "internal.session_events WHERE event_type <> 'adjust-difficulty'"
                                 " GROUP BY session_id"))
    assert {r["session_id"]: r["n"] for r in recorded} == {
        e[0]["data"]["sessionId"]: len(e) for e in all_events}
    trajectory = asyncio.run(fetch(database_url, "SELECT count(*) AS n FROM "
                                   "internal.theta_trajectory"))
    assert trajectory[0]["n"] == sum(1 for ev in all_events for e in ev
                                     if e["type"] == "question-answered")
    analyze = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic_prefix}evaluation",
                                     expect=3))
    assert sorted(json.loads(r.value)["data"]["sessionId"] for r in analyze) == sorted(
        e[0]["data"]["sessionId"] for e in all_events)


def test_republishing_and_restarting_add_no_duplicates(
        stack: StackInfo, database_url: str, topic_prefix: str,
        interview_worker: WorkerProcess) -> None:
    all_events = sessions(2, seed=23)
    first = asyncio.run(run_sessions(stack, topic_prefix, all_events, database_url))
    interview_worker.stop()
    interview_worker.start().wait_ready()
    flat = [e for events in all_events for e in events]
    asyncio.run(publish_json(stack.bootstrap_servers, f"{topic_prefix}interview", flat))

    async def settled() -> list[dict[str, Any]]:
        # the worker has consumed the republished copies once its commits reach the end
        await committed_reach_end(stack.bootstrap_servers, interview_worker.env["APP_ID"],
                                  [f"{topic_prefix}interview"], timeout=60)
        return await fetch(database_url, COMPLETED)

    again = asyncio.run(settled())
    assert {r["session_id"]: r["events_applied"] for r in again} == {
        r["session_id"]: r["events_applied"] for r in first}
    counts = asyncio.run(fetch(database_url,
                               "SELECT count(*) AS n FROM internal.session_events"))
    adjusts = sum(json.loads(r["event_counts"]).get("adjust-difficulty", 0) for r in again)
    assert counts[0]["n"] == len(flat) + adjusts
    metrics = interview_worker.get("/metrics")
    duplicates = [line for line in metrics.splitlines()
                  if line.startswith("interviewlm_events_processed_total")
                  and 'outcome="duplicate"' in line]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in duplicates) == len(flat)
