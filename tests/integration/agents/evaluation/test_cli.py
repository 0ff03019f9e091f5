"""Analyst CLI: ``interviewlm evaluate --recording`` and ``interviewlm fairness report``."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from adapters.db.migrate import migrate
from tests.integration.agents.evaluation.conftest import ThreadedFake, sessions
from tests.integration.agents.evaluation.test_llm import review_citing

pytestmark = pytest.mark.integration


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    return subprocess.run([sys.executable, "-m", "interviewlm.cli", *args],
                          env={**clean, **(env or {})}, capture_output=True, text=True,
                          timeout=60)


def write_recording(tmp_path: Path, events: list[dict[str, Any]]) -> Path:
    path = tmp_path / "recording.json"
    path.write_text(json.dumps(events))
    return path


def test_evaluate_recording_offline_and_with_llm(tmp_path: Path) -> None:
    [(plan, events)] = sessions(1, seed=61)
    path = write_recording(tmp_path, events)
    offline = cli("evaluate", "--recording", str(path), "--offline")
    assert offline.returncode == 0, offline.stderr
    result = json.loads(offline.stdout)
    assert result["sessionId"] == plan.session_id and result["mode"] == "offline"
    assert set(result["dimensions"]) == {"code_quality", "problem_solving", "ai_collaboration",
                                         "communication"}
    assert "irt" in result["dimensions"]["problem_solving"]["breakdown"], "signals folded in"
    assert result["usage"]["calls"] == 0
    fake = ThreadedFake(default_tool_input=review_citing("recording:0:4"))
    try:
        online = cli("evaluate", "--recording", str(path), env=fake.env())
    finally:
        fake.close()
    assert online.returncode == 0, online.stderr
    reviewed = json.loads(online.stdout)
    assert reviewed["mode"] == "llm" and reviewed["usage"]["calls"] == 1
    assert reviewed["dimensions"]["code_quality"]["breakdown"]["llm"] == 70


def test_evaluate_text_shows_each_dimensions_score_confidence_methods_and_gaps(
        tmp_path: Path) -> None:
    [(_, events)] = sessions(1, seed=63)
    events = [e for e in events if e["type"] != "test-run"]  # never tested: tests missing
    done = cli("evaluate", "--recording", str(write_recording(tmp_path, events)), "--offline",
               "--format", "text")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("session ") and "needs review: yes" in lines[0]
    rows = {line.split()[0]: line.split() for line in lines
            if line.split() and line.split()[0] in {"code_quality", "problem_solving",
                                                    "ai_collaboration", "communication"}}
    assert list(rows) == ["code_quality", "problem_solving", "ai_collaboration",
                          "communication"]
    weight, score, confidence, status = rows["code_quality"][1:5]
    assert weight == "40%" and 0 <= float(score) <= 100 and 0 <= float(confidence) <= 1
    assert status == "insufficient_evidence" and rows["code_quality"][5] == "static"
    assert "missing: tests: no test run: correctness was never checked (no credit)" in (
        done.stdout)
    assert "insufficient_evidence [code_quality]" in done.stdout


def test_evaluate_refuses_a_live_session(tmp_path: Path) -> None:
    [(_, events)] = sessions(1, seed=62)
    path = write_recording(tmp_path, events[:-1])
    done = cli("evaluate", "--recording", str(path), "--offline")
    assert done.returncode == 2
    assert "no session-complete event" in done.stderr and "Traceback" not in done.stderr


async def insert_scores(database_url: str, scores: dict[str, float]) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn)
        await conn.executemany(
            "INSERT INTO internal.evaluations (evaluation_id, session_id, rubric_version,"
            " candidate_id, overall_score, overall_confidence, mode, model, result)"
            " VALUES ($1, $2, '2024.1', $3, $4, 0.8, 'offline', 'offline', '{}')",
            [(f"ev-{c}", f"s-{c}", c, s) for c, s in scores.items()])
    finally:
        await conn.close()


def test_fairness_report_over_stored_evaluations(database_url: str, tmp_path: Path) -> None:
    scores = {"a1": 80, "a2": 75, "a3": 60, "a4": 90, "b1": 72, "b2": 40, "b3": 50, "b4": 55}
    asyncio.run(insert_scores(database_url, scores))
    groups = tmp_path / "groups.csv"
    groups.write_text("candidateId,group\n" + "".join(f"{c},{c[0].upper()}\n" for c in scores))
    done = cli("fairness", "report", "--groups", str(groups), "--threshold", "70",
               env={"DATABASE_URL": database_url})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["evaluations"] == 8 and report["flagged"] == ["B"]
    group_b = next(g for g in report["groups"] if g["group"] == "B")
    assert group_b["selectionRate"] == 0.25 and group_b["impactRatio"] == pytest.approx(1 / 3)
    plain = cli("fairness", "report", env={"DATABASE_URL": database_url})
    assert json.loads(plain.stdout)["groups"][0] == {**json.loads(plain.stdout)["groups"][0],
                                                     "group": "all", "count": 8}
