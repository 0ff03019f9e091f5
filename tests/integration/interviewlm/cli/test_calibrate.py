"""`items calibrate`: from a file and from stored responses; `--apply` writes a new bank
version that new sessions pin while running sessions keep theirs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
import numpy as np
import pytest

from adapters.db.interview_repo import write_interview_batch
from adapters.db.item_bank import CachedItemBank
from agents.interview import InterviewProcessor
from agents.messages import RawMessage
from assess.irt.item_simulation import random_items, simulate_responses
from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch
from tests.integration.interviewlm.cli.test_commands import run_cli
from tests.support.replay import MemoryStore

pytestmark = pytest.mark.integration


def _jsonl(records: list[tuple[str, str, float]]) -> str:
    return "".join(json.dumps({"sessionId": p, "questionId": q, "score": int(s)}) + "\n"
                   for p, q, s in records)


def test_calibrate_from_file_prints_the_items_and_names_the_thin_ones(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    items = random_items(rng, 6)
    data = simulate_responses(rng, items, 600)
    thin = [(f"p{k}", "rare", float(k % 2)) for k in range(12)]
    path = tmp_path / "responses.jsonl"
    path.write_text(_jsonl([*data.records, *thin]))
    proc, _ = run_cli("items", "calibrate", "--from-file", str(path), timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    by_id = {i["questionId"]: i for i in out["items"]}
    assert set(by_id) == {f"i{k}" for k in range(6)} | {"rare"}
    for k in range(6):
        item = by_id[f"i{k}"]
        assert {"questionId", "a", "b", "c", "seA", "seB", "n"} <= set(item)
        assert item["n"] == 600 and item["calibrated"] and item["c"] == 0.0
        assert abs(item["b"] - items.b[k]) < 4 * item["seB"] + 0.1
    assert not by_id["rare"]["calibrated"] and "too few" in by_id["rare"]["note"]
    assert (by_id["rare"]["a"], by_id["rare"]["b"], by_id["rare"]["seB"]) == (1.0, 0.0, None)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sessionId": "s", "questionId": "q", "score": 1}\n{"sessionId": "s"}\n')
    proc, _ = run_cli("items", "calibrate", "--from-file", str(bad))
    assert proc.returncode == 2 and "line 2" in proc.stderr


async def _store_responses(url: str, records: list[tuple[str, str, float]]) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.executemany(
            "INSERT INTO internal.theta_trajectory (session_id, event_id, seq, question_id,"
            " event_ts, score, theta, se, a, b, c) VALUES ($1, $2, $3, $4, now(), $5,"
            " 0, 1, 1, 0, 0)",
            [(p, f"e{k}", k, q, s) for k, (p, q, s) in enumerate(records)])
    finally:
        await conn.close()


def _answer(session: str, offset: int, question: str) -> RawMessage:
    data = {"sessionId": session, "timestamp": f"2025-03-01T09:{offset:02d}:00Z",
            "questionId": question, "answer": "x", "timeSpent": 60.0, "isCorrect": True}
    return RawMessage("interview", 0, offset, session.encode(),
                      json.dumps({"type": "question-answered", "data": data}).encode())


def test_apply_writes_a_new_version_and_estimates_record_the_version_they_used(
        stack: StackInfo, database_url: str, tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_url}
    bank = tmp_path / "bank.csv"
    bank.write_text("questionId,a,b,c,difficulty,topic\n"
                    + "".join(f"i{k},1.0,0.0,0.0,5,t{k}\n" for k in range(5)))
    assert run_cli("items", "load", str(bank), env=env)[0].returncode == 0
    rng = np.random.default_rng(12)
    items = random_items(rng, 5)
    asyncio.run(_store_responses(database_url, simulate_responses(rng, items, 500).records))

    async def interview(messages: list[RawMessage], store: MemoryStore) -> None:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)

        async def write(writes: object, failed: object) -> None:
            async with pool.acquire() as conn:
                await write_interview_batch(conn, writes)  # type: ignore[arg-type]

        async def send(_: object) -> None:
            return None

        try:
            processor = InterviewProcessor(store=store, send=send, write=write,
                                           items=CachedItemBank(pool, version_ttl=0.0))
            await processor.process_batch(messages)
        finally:
            await pool.close()

    store = MemoryStore()
    asyncio.run(interview([_answer("old-session", 0, "i0")], store))  # pins version 1
    proc, _ = run_cli("items", "calibrate", "--apply", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["bankVersion"] == 2 and out["respondents"] == 501
    # i0 also has the running session's answer (stored by the interview agent)
    assert {i["questionId"]: i["n"] for i in out["items"]} == {
        "i0": 501, "i1": 500, "i2": 500, "i3": 500, "i4": 500}
    assert all(i["calibrated"] for i in out["items"])
    versions = asyncio.run(fetch(database_url, "SELECT version, source FROM "
                                 "internal.item_bank_versions ORDER BY version"))
    assert [(v["version"], v["source"]) for v in versions] == [(1, "load"), (2, "calibrate")]
    kept = asyncio.run(fetch(database_url, "SELECT a, b FROM internal.item_bank_items "
                             "WHERE version = 1 ORDER BY question_id"))
    assert all((r["a"], r["b"]) == (1.0, 0.0) for r in kept)  # the old version stays
    current = asyncio.run(fetch(database_url, "SELECT question_id, a, b, topic, bank_version "
                                "FROM internal.item_bank ORDER BY question_id"))
    calibrated = {i["questionId"]: i for i in out["items"]}
    for row in current:
        assert row["bank_version"] == 2 and row["topic"] == f"t{row['question_id'][1:]}"
        assert row["b"] == pytest.approx(calibrated[row["question_id"]]["b"])
    asyncio.run(interview([_answer("old-session", 1, "i1"), _answer("new-session", 2, "i1")],
                          store))
    rows = asyncio.run(fetch(database_url, "SELECT session_id, seq, b, bank_version FROM "
                             "internal.theta_trajectory WHERE session_id LIKE '%-session'"
                             " ORDER BY session_id, seq"))
    by_session = {(r["session_id"], r["seq"]): r for r in rows}
    assert by_session[("old-session", 1)]["bank_version"] == 1
    assert by_session[("old-session", 1)]["b"] == 0.0  # still the version it started with
    assert by_session[("new-session", 0)]["bank_version"] == 2
    assert by_session[("new-session", 0)]["b"] == pytest.approx(calibrated["i1"]["b"])
    metrics = asyncio.run(fetch(database_url, "SELECT session_id, bank_version FROM "
                                "internal.session_metrics ORDER BY session_id"))
    assert [(m["session_id"], m["bank_version"]) for m in metrics] == [
        ("new-session", 2), ("old-session", 1)]
