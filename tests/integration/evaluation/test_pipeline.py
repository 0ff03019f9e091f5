"""A simulated session through interview agent -> evaluation agent -> notification, offline.

Also: a second analyze of the same session stores no second row, and reports
(HTML with the theta chart, refused PDF) are generated, stored and shown by the CLI.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.db.evaluations_repo import evaluation_id_for
from interviewlm.stack import StackInfo
from tests.integration.evaluation.conftest import sessions, start_worker
from tests.integration.interview.conftest import fetch, wait_for
from tests.support.kafka import publish_json, read_topic

pytestmark = pytest.mark.integration

EVALUATIONS = "SELECT * FROM internal.evaluations"


def analyze(session_id: str, candidate_id: str, priority: int = 1) -> dict[str, Any]:
    return {"type": "analyze", "data": {"sessionId": session_id, "candidateId": candidate_id,
                                        "timestamp": "2026-01-05T10:00:00Z",
                                        "priority": priority}}


def report_request(session_id: str, evaluation_id: str, fmt: str) -> dict[str, Any]:
    return {"type": "generate-report", "data": {
        "sessionId": session_id, "evaluationId": evaluation_id, "format": fmt,
        "timestamp": "2026-01-05T10:01:00Z"}}


def completions(stack: StackInfo, prefix: str, expect: int) -> list[dict[str, Any]]:
    records = asyncio.run(read_topic(stack.bootstrap_servers, f"{prefix}notification",
                                     expect=expect, timeout=60))
    return [json.loads(r.value) for r in records]


def test_session_is_evaluated_reported_and_announced_once(
        stack: StackInfo, database_url: str, topic_prefix: str, eval_env: dict[str, str],
        tmp_path: Path) -> None:
    worker = start_worker(eval_env, tmp_path, agents="interview,evaluation")
    try:
        [(plan, events)] = sessions(1, seed=31)
        asyncio.run(publish_json(stack.bootstrap_servers, f"{topic_prefix}interview", events))
        [row] = asyncio.run(wait_for(database_url, EVALUATIONS, lambda r: len(r) == 1, 90))
        assert row["session_id"] == plan.session_id and row["candidate_id"] == plan.candidate_id
        assert row["evaluation_id"] == evaluation_id_for(plan.session_id, "2024.1")
        assert row["mode"] == "offline" and row["cost_dollars"] == 0
        result = json.loads(row["result"])
        assert set(result["dimensions"]) == {"code_quality", "problem_solving",
                                             "ai_collaboration", "communication"}
        assert any(f["code"] == "offline_mode" for f in result["flags"])
        assert "irt" in result["dimensions"]["problem_solving"]["breakdown"]
        [done] = completions(stack, topic_prefix, 1)
        assert done["type"] == "evaluation-complete"
        assert done["data"] == {**done["data"], "sessionId": plan.session_id,
                                "candidateId": plan.candidate_id,
                                "evaluationId": row["evaluation_id"],
                                "overallScore": round(row["overall_score"], 2)}

        again = analyze(plan.session_id, plan.candidate_id)
        asyncio.run(publish_json(stack.bootstrap_servers, f"{topic_prefix}evaluation", [again]))
        first, second = completions(stack, topic_prefix, 2)
        assert first["eventId"] == second["eventId"], "a re-sent completion is recognisable"
        rows = asyncio.run(fetch(database_url, EVALUATIONS))
        assert len(rows) == 1 and rows[0]["updated_at"] == row["updated_at"]

        check_reports(stack, database_url, topic_prefix, eval_env, plan.session_id,
                      row["evaluation_id"])
        metrics = worker.get("/metrics")
        assert "interviewlm_evaluation_duration_seconds_count 1.0" in metrics
        outcome = "needs_review" if row["needs_review"] else "ok"
        assert f'interviewlm_evaluations_total{{outcome="{outcome}"}} 1.0' in metrics
    finally:
        worker.stop()


def check_reports(stack: StackInfo, database_url: str, prefix: str, env: dict[str, str],
                  session_id: str, evaluation_id: str) -> None:
    asyncio.run(publish_json(stack.bootstrap_servers, f"{prefix}evaluation", [
        report_request(session_id, evaluation_id, "html"),
        report_request(session_id, evaluation_id, "pdf")]))
    reports = "SELECT format, content FROM internal.reports"
    [stored] = asyncio.run(wait_for(database_url, reports, lambda r: len(r) == 1, 60))
    html = bytes(stored["content"]).decode()
    assert stored["format"] == "html" and html.startswith("<!DOCTYPE html>")
    assert '<svg id="theta-chart"' in html and 'class="se-band"' in html
    assert '<svg id="timeline-chart"' in html and "Final test run" in html
    assert "<script" not in html and "<link" not in html and "src=" not in html
    failed = asyncio.run(wait_for(database_url, "SELECT * FROM internal.failed_jobs",
                                  lambda r: len(r) == 1, 30))
    assert "PDF reports are not produced" in failed[0]["error_message"]
    assert failed[0]["attempts"] == 1, "a refused format is not retried"
    shown = subprocess.run(
        [sys.executable, "-m", "interviewlm.cli", "report", "show", evaluation_id,
         "--format", "html"], env={**os.environ, **env}, capture_output=True, timeout=60)
    assert shown.returncode == 0, shown.stderr.decode()
    assert shown.stdout.decode() == html
