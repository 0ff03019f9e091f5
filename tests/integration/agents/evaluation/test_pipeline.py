"""A simulated session through interview agent -> evaluation agent -> notification, offline.

Also: a second analyze of the same session stores no second row and announces nothing,
and reports (HTML with the theta chart, and the same page as PDF) are generated, stored
and shown by the CLI.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from adapters.db.evaluations_repo import evaluation_id_for
from interviewlm.stack import StackInfo
from tests.integration.agents.evaluation.conftest import sessions, start_worker
from tests.integration.agents.interview.conftest import fetch, wait_for
from tests.support.kafka import publish_json, read_topic
from tests.support.worker import WorkerProcess

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


def completions(stack: StackInfo, prefix: str, expect: int,
                timeout: float = 60) -> list[dict[str, Any]]:
    records = asyncio.run(read_topic(stack.bootstrap_servers, f"{prefix}notification",
                                     expect=expect, timeout=timeout))
    return [json.loads(r.value) for r in records]


def wait_metric(worker: WorkerProcess, line: str, timeout: float = 60) -> None:
    """Wait until the worker's /metrics shows ``line`` (labels sorted, as it prints them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if line in worker.get("/metrics"):
            return
        time.sleep(0.3)
    shown = [m for m in worker.get("/metrics").splitlines() if line.split("{")[0] in m]
    raise AssertionError(f"metric never reached: {line}; have {shown}")


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

        assert done["eventId"] == f"evaluation-complete:{row['evaluation_id']}:2024.1"

        again = analyze(plan.session_id, plan.candidate_id)  # the platform's submit analyze
        asyncio.run(publish_json(stack.bootstrap_servers, f"{topic_prefix}evaluation", [again]))
        wait_metric(worker, 'interviewlm_events_processed_total{outcome="ok",'
                            f'topic="{topic_prefix}evaluation",type="analyze"}} 2.0')
        assert len(completions(stack, topic_prefix, 2, timeout=3)) == 1, "announced once"
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
    reports = "SELECT format, content FROM internal.reports ORDER BY format"
    html_row, pdf_row = asyncio.run(wait_for(database_url, reports, lambda r: len(r) == 2, 90))
    html = bytes(html_row["content"]).decode()
    assert html_row["format"] == "html" and html.startswith("<!DOCTYPE html>")
    assert '<svg id="theta-chart"' in html and 'class="se-band"' in html
    assert '<svg id="timeline-chart"' in html and "Last full test run" in html
    assert "<script" not in html and "<link" not in html and "src=" not in html
    [evaluation] = asyncio.run(fetch(database_url, EVALUATIONS))
    check_pdf(bytes(pdf_row["content"]), evaluation["overall_score"])
    assert asyncio.run(fetch(database_url, "SELECT * FROM internal.failed_jobs")) == []
    for fmt, stored in (("html", html.encode()), ("pdf", bytes(pdf_row["content"]))):
        shown = subprocess.run(
            [sys.executable, "-m", "interviewlm.cli", "report", "show", evaluation_id,
             "--format", fmt], env={**os.environ, **env}, capture_output=True, timeout=120)
        assert shown.returncode == 0, shown.stderr.decode()
        assert shown.stdout == stored


def check_pdf(content: bytes, overall_score: float) -> None:
    """A real PDF parser reads it, and page 1 shows the overall score."""
    reader = PdfReader(io.BytesIO(content))
    first = " ".join(reader.pages[0].extract_text().split())
    assert content.startswith(b"%PDF-") and f"{overall_score:.1f} / 100" in first
    assert "Evaluation report" in first
