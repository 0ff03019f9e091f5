"""The evaluations repository and Evaluator on the real PostgreSQL server (no worker)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import asyncpg
import pytest

from adapters.db.evaluations_repo import EvaluationsRepo
from agents.evaluation import Evaluator
from runtime.settings import load_settings
from tests.integration.agents.evaluation.conftest import seed_sessions, sessions

pytestmark = pytest.mark.integration


@pytest.fixture
async def repo(database_url: str) -> AsyncIterator[EvaluationsRepo]:
    await seed_sessions(database_url, "interview", sessions(1, seed=71, prefix="repo"))
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    try:
        yield EvaluationsRepo(pool)
    finally:
        await pool.close()


async def rows(repo: EvaluationsRepo, sql: str) -> list[asyncpg.Record]:
    async with repo.pool.acquire() as conn:
        return list(await conn.fetch(sql))


async def test_one_row_per_session_and_rubric_version(repo: EvaluationsRepo) -> None:
    session_id = "repo-71-000000"
    evaluator = Evaluator(repo, load_settings(anthropic_api_key=None))
    first = await evaluator.analyze(session_id, "cand-71-000000", urgent=False)
    await asyncio.sleep(0.01)
    again = await evaluator.analyze(session_id, "cand-71-000000", urgent=False)
    assert again == first and first.mode == "offline"
    [row] = await rows(repo, "SELECT evaluation_id, created_at, updated_at"
                             " FROM internal.evaluations")
    assert row["updated_at"] == row["created_at"], "an unchanged recording is not re-scored"
    newer = Evaluator(repo, load_settings(anthropic_api_key=None, rubric_version="2025.1"))
    other = await newer.analyze(session_id, "cand-71-000000", urgent=False)
    assert other.evaluation_id != first.evaluation_id
    stored = await rows(repo, "SELECT rubric_version FROM internal.evaluations ORDER BY 1")
    assert [r["rubric_version"] for r in stored] == ["2024.1", "2025.1"]


async def test_batch_queue_follows_the_mode(repo: EvaluationsRepo) -> None:
    evaluator = Evaluator(repo, load_settings(anthropic_api_key=None))
    final = await evaluator.analyze("repo-71-000000", "cand-71-000000", urgent=False)
    pending = replace(final, mode="llm-pending")
    assert await repo.save(pending, queue=True)
    [queued] = await repo.pending_reviews(10)
    assert queued.evaluation_id == final.evaluation_id and queued.status == "pending"
    await repo.mark_submitted([final.evaluation_id], "msgbatch_1")
    assert [r.batch_id for r in await repo.submitted_reviews()] == ["msgbatch_1"]
    assert await repo.save(replace(final, mode="llm"), only_if_pending=True)
    assert not await repo.save(replace(final, mode="fallback"), only_if_pending=True), \
        "a batch result never overwrites a final evaluation"
    assert len(await repo.submitted_reviews()) == 1, "kept until the completion is published"
    await repo.dequeue(final.evaluation_id, "msgbatch_1")
    assert await repo.submitted_reviews() == []
    async with repo.batch_lock() as first, repo.batch_lock() as second:
        assert first and not second


async def test_a_new_result_drops_the_reports_of_the_old_one(repo: EvaluationsRepo) -> None:
    """Re-scoring (more events, a batch review landing) never leaves a stale report."""
    evaluator = Evaluator(repo, load_settings(anthropic_api_key=None))
    first = await evaluator.analyze("repo-71-000000", "cand-71-000000", urgent=False)
    for fmt in ("html", "pdf"):
        await repo.store_report(first.evaluation_id, fmt, b"rendered from the first result")
    assert not await repo.save(replace(first, mode="llm"), only_if_pending=True)
    assert await repo.report(first.evaluation_id, "html") is not None, \
        "a write that did not happen keeps the reports"
    assert await repo.save(replace(first, overall_score=first.overall_score + 1.0))
    assert [await repo.report(first.evaluation_id, f) for f in ("html", "pdf")] == [None, None]
