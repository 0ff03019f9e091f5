"""DeliveriesRepo claims, and the handler over them, on the real PostgreSQL server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from adapters.db.deliveries_repo import Claim, ClaimState, DeliveriesRepo
from adapters.db.migrate import migrate
from agents.notification import DeliveriesFailed, NotificationHandler
from tests.unit.adapters.notify.samples import evaluation, make_settings
from tests.unit.agents.notification.fakes import ScriptedSender, message

pytestmark = pytest.mark.integration

KEY = "interview-invited:sess-1:email:0123"


@pytest.fixture
async def repo(database_url: str) -> AsyncIterator[DeliveriesRepo]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=12)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        yield DeliveriesRepo(pool)
    finally:
        await pool.close()


async def claim(repo: DeliveriesRepo, stale_after: float = 60.0) -> Claim:
    return await repo.claim(KEY, "email", "interview-invited", stale_after)


async def test_claim_send_and_skip(repo: DeliveriesRepo) -> None:
    assert await repo.status(KEY) is None
    assert await claim(repo) == Claim(ClaimState.CLAIMED, 1)
    assert await claim(repo) == Claim(ClaimState.BUSY)
    await repo.mark_sent(KEY)
    assert await claim(repo) == Claim(ClaimState.SENT)
    assert await claim(repo, stale_after=0.0) == Claim(ClaimState.SENT), "sent is final"
    assert await repo.status(KEY) == "sent"


async def test_a_released_claim_can_be_claimed_again(repo: DeliveriesRepo) -> None:
    first = await claim(repo)
    assert await repo.release(KEY, first.token)
    assert await repo.status(KEY) == "failed"
    assert await claim(repo) == Claim(ClaimState.CLAIMED, 2)
    assert not await repo.release(KEY, first.token), "an old token releases nothing"
    assert await repo.status(KEY) == "sending"


async def test_a_stale_claim_is_taken_over_and_fenced(repo: DeliveriesRepo) -> None:
    crashed = await claim(repo)
    await asyncio.sleep(0.3)
    assert await claim(repo, stale_after=5.0) == Claim(ClaimState.BUSY)
    taken = await claim(repo, stale_after=0.2)
    assert taken == Claim(ClaimState.CLAIMED, 2)
    assert not await repo.release(KEY, crashed.token)
    assert await repo.status(KEY) == "sending"
    await repo.mark_sent(KEY)
    assert await repo.status(KEY) == "sent"


async def test_concurrent_claims_have_one_winner(repo: DeliveriesRepo) -> None:
    results = await asyncio.gather(*(claim(repo) for _ in range(10)))
    assert sorted(r.state.value for r in results) == ["busy"] * 9 + ["claimed"]


async def test_handler_on_postgres_sends_each_delivery_once(repo: DeliveriesRepo) -> None:
    senders = {"email": ScriptedSender(), "slack": ScriptedSender(),
               "webhook": ScriptedSender([DeliveriesFailed("HTTP 503")])}
    handler = NotificationHandler(make_settings(), senders, repo)  # type: ignore[arg-type]
    event, msg = message("evaluation-complete", evaluation())
    with pytest.raises(DeliveriesFailed):
        await handler(event, msg)
    senders["webhook"].delay = 0.3  # two redeliveries at once: one sends, one backs off
    both = await asyncio.gather(handler(event, msg), handler(event, msg),
                                return_exceptions=True)
    [busy] = [r for r in both if isinstance(r, BaseException)]
    assert isinstance(busy, DeliveriesFailed) and "another worker" in str(busy)
    await handler(event, msg)
    assert {c: len(s.sent) for c, s in senders.items()} == {"email": 1, "slack": 1, "webhook": 1}
    rows = await repo.db.fetch("SELECT channel, status, attempts"
                               " FROM internal.notification_deliveries ORDER BY channel")
    assert [tuple(r) for r in rows] == [("email", "sent", 1), ("slack", "sent", 1),
                                        ("webhook", "sent", 2)]
