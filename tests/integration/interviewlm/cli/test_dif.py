"""`fairness dif` from a file and from stored answers joined to a groups CSV; the run
is stored and the DIF gauge reads it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
import numpy as np
import pytest

from adapters.dif_metrics import refresh_dif_gauge
from assess.irt.item_simulation import random_items, shift_for_delta, simulate_responses
from interviewlm.stack import StackInfo
from runtime.metrics import REGISTRY
from runtime.settings import Settings
from tests.integration.agents.interview.conftest import fetch
from tests.integration.interviewlm.cli.test_commands import run_cli

pytestmark = pytest.mark.integration


def _data(seed: int) -> tuple[list[tuple[str, str, float]], dict[str, str]]:
    rng = np.random.default_rng(seed)
    items = random_items(rng, 10)
    data = simulate_responses(rng, items, 2500, focal_share=0.5,
                              dif_shift={4: shift_for_delta(-2.2, items.a[4])})
    return data.records, data.groups


def test_dif_from_file_flags_the_planted_item(tmp_path: Path) -> None:
    records, groups = _data(21)
    first = records[0][0]  # the first line's group is the reference
    path = tmp_path / "responses.jsonl"
    path.write_text("".join(json.dumps({"sessionId": p, "questionId": q, "score": int(s),
                                        "group": groups[p]}) + "\n" for p, q, s in records))
    proc, _ = run_cli("fairness", "dif", "--from-file", str(path), timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["reference"] == groups[first] and "runId" not in out
    by_id = {i["questionId"]: i for i in out["items"]}
    assert set(by_id) == {f"i{k}" for k in range(10)}
    assert {"questionId", "mhDelta", "class", "n"} <= set(by_id["i4"])
    sign = -1 if out["reference"] == "reference" else 1  # harder for the focal group
    assert by_id["i4"]["class"] == "C" and sign * by_id["i4"]["mhDelta"] > 1.5
    assert by_id["i4"]["n"] == 2500
    assert sum(1 for i in out["items"] if i["class"] == "C") == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sessionId": "s", "questionId": "q", "score": 1}\n')
    proc, _ = run_cli("fairness", "dif", "--from-file", str(bad))
    assert proc.returncode == 2 and "line 1" in proc.stderr and "group" in proc.stderr


def test_dif_from_stored_answers_is_stored_and_exported(
        stack: StackInfo, database_url: str, tmp_path: Path) -> None:
    records, groups = _data(22)
    env = {"DATABASE_URL": database_url}
    assert run_cli("db", "migrate", env=env)[0].returncode == 0

    async def store() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            persons = sorted({p for p, _, _ in records})
            await conn.executemany(
                "INSERT INTO internal.session_metrics (session_id, candidate_id)"
                " VALUES ($1, $2)", [(f"s-{p}", f"c-{p}") for p in persons])
            await conn.executemany(
                "INSERT INTO internal.theta_trajectory (session_id, event_id, seq,"
                " question_id, event_ts, score, theta, se, a, b, c) VALUES"
                " ($1, $2, $3, $4, now(), $5, 0, 1, 1, 0, 0)",
                [(f"s-{p}", f"e{k}", k, q, s) for k, (p, q, s) in enumerate(records)])
        finally:
            await conn.close()

    asyncio.run(store())
    csv = tmp_path / "groups.csv"
    csv.write_text("candidateId,group\n" + "".join(
        f"c-{p},{g}\n" for p, g in sorted(groups.items(), key=lambda kv: kv[1] != "reference")))
    proc, _ = run_cli("fairness", "dif", "--groups", str(csv), env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["reference"], out["focal"]) == ("reference", "focal")
    by_id = {i["questionId"]: i for i in out["items"]}
    assert by_id["i4"]["class"] == "C" and by_id["i4"]["mhDelta"] < -1.5
    runs = asyncio.run(fetch(database_url, "SELECT run_id, c_items, a_items + b_items + c_items"
                             " AS total FROM internal.dif_runs"))
    assert [(r["run_id"], r["c_items"], r["total"]) for r in runs] == [
        (out["runId"], out["counts"]["C"], 10)]
    counts = asyncio.run(refresh_dif_gauge(Settings(database_url=database_url)))
    assert counts == out["counts"]
    assert REGISTRY.get_sample_value("interviewlm_dif_items", {"class": "C"}) == counts["C"]
    proc, _ = run_cli("fairness", "dif", "--groups", str(csv), "--no-store", env=env,
                      timeout=120)
    assert proc.returncode == 0 and "runId" not in json.loads(proc.stdout)
    assert len(asyncio.run(fetch(database_url, "SELECT 1 FROM internal.dif_runs"))) == 1
