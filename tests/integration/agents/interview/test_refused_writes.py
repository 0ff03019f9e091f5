"""A batch PostgreSQL refuses for its data is split: the refused events are dead-lettered,
every other event is stored, and the session states skip only the refused events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from adapters.db.failed_jobs import FailedJob, failed_job_recorder
from adapters.db.interview_repo import InterviewWrites, batch_writer
from adapters.db.migrate import migrate
from agents.interview import InterviewProcessor
from agents.jobs import JobRunner
from agents.messages import OutMessage, RawMessage
from agents.retry import RetryPolicy
from runtime.errors import PermanentError
from streams.events import Event
from streams.topics import TopicNames
from tables.config import ReducerConfig
from tables.state import decode_state
from tests.support.replay import MemoryStore

pytestmark = pytest.mark.integration

REFUSED_TEXT = "refused by the database"
TS = "2026-01-05T09:00:00Z"


def chat(session: str, text: str) -> bytes:
    return json.dumps({"type": "ai-interaction", "data": {
        "sessionId": session, "timestamp": TS, "candidateMessage": text,
        "aiResponse": "answer", "toolsUsed": [], "filesModified": []}}).encode()


@pytest.fixture
def pool_url(database_url: str) -> Iterator[str]:
    """The test database, migrated, with a rule our decoder knows nothing about: a CHECK
    constraint (SQLSTATE 23514) refusing one message text."""
    async def prepare() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            await migrate(conn)
            await conn.execute(
                "ALTER TABLE internal.session_events ADD CONSTRAINT refuse_one CHECK"
                f" (payload->'data'->>'candidateMessage' <> '{REFUSED_TEXT}')")
        finally:
            await conn.close()
    asyncio.run(prepare())
    yield database_url


async def run_batch(url: str, messages: list[RawMessage]) -> tuple[Any, MemoryStore,
                                                                     list[OutMessage], int]:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    store, sent, attempts = MemoryStore(), [], 0
    store_batch = batch_writer(pool)

    async def send(out: OutMessage) -> None:
        sent.append(out)

    async def write(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        nonlocal attempts
        attempts += 1
        await store_batch(writes, failed)

    try:
        processor = InterviewProcessor(store=store, send=send, write=write,
                                       reducer_config=ReducerConfig(), lanes=4)
        result = await processor.process_batch(messages)
    finally:
        await pool.close()
    return result, store, sent, attempts


def test_refused_events_are_isolated_and_dead_lettered_the_rest_stored(pool_url: str) -> None:
    messages: list[RawMessage] = []
    refused_offsets = {7, 31, 32}
    for offset in range(64):
        session = f"s{offset % 4}"
        text = REFUSED_TEXT if offset in refused_offsets else f"question {offset}"
        messages.append(RawMessage("interview", 0, offset, session.encode(),
                                   chat(session, text)))
    result, store, sent, attempts = asyncio.run(run_batch(pool_url, messages))

    assert sorted(d.message.offset for d in result.dead_letters) == sorted(refused_offsets)
    assert {d.reason for d in result.dead_letters} == {"db_refused"}
    assert all("CheckViolationError (23514)" in d.error_message for d in result.dead_letters)
    assert result.outcomes[("ai-interaction", "ok")] == 64 - len(refused_offsets)
    assert result.outcomes[("ai-interaction", "dead_letter")] == len(refused_offsets)
    dlq = [o for o in sent if o.topic == "interview.dlq"]
    assert sorted(json.loads(o.value)["data"]["candidateMessage"] for o in dlq) == [
        REFUSED_TEXT] * 3
    # Bisection: at most 2 writes per level (log2(64) = 6) per refused event, plus the
    # first; one write per event would be 64.
    assert attempts <= 1 + 2 * 6 * len(refused_offsets) < 64

    async def stored() -> tuple[list[Any], list[Any]]:
        conn = await asyncpg.connect(pool_url)
        try:
            return (await conn.fetch('SELECT "offset" FROM internal.session_events'),
                    await conn.fetch('SELECT "offset" FROM internal.failed_jobs'))
        finally:
            await conn.close()
    events, failed = asyncio.run(stored())
    assert sorted(r["offset"] for r in events) == [
        o for o in range(64) if o not in refused_offsets]
    assert sorted(r["offset"] for r in failed) == sorted(refused_offsets)
    applied = {k: decode_state(v).events_applied for k, v in store.data.items()}
    assert applied == {f"s{i}": 16 - sum(1 for o in refused_offsets if o % 4 == i)
                       for i in range(4)}


def test_a_refused_failed_job_row_never_blocks_the_others_or_the_dead_letter_topic(
        pool_url: str) -> None:
    """Job workers (evaluation, notification): every job fails permanently here; one
    failed-job row is refused by PostgreSQL, the others are stored, all are published."""
    async def run() -> tuple[list[OutMessage], list[Any]]:
        conn = await asyncpg.connect(pool_url)
        await conn.execute("ALTER TABLE internal.failed_jobs ADD CONSTRAINT refuse_one"
                           " CHECK (\"offset\" <> 3)")
        pool = await asyncpg.create_pool(pool_url, min_size=1, max_size=2)
        sent: list[OutMessage] = []

        async def handler(event: Event, msg: RawMessage) -> list[OutMessage]:
            raise PermanentError("refused by the provider")

        async def send(out: OutMessage) -> None:
            sent.append(out)

        runner = JobRunner(worker="notification-agent", handler=handler,
                           policy=RetryPolicy(attempts=1), send=send,
                           record_failed=failed_job_recorder(pool), names=TopicNames())
        messages = [RawMessage("notification", 0, offset, f"s{offset}".encode(), json.dumps(
            {"type": "evaluation-complete", "data": {
                "sessionId": f"s{offset}", "timestamp": TS, "candidateId": "c",
                "evaluationId": f"e{offset}", "overallScore": 50}}).encode())
            for offset in range(6)]
        try:
            await runner.process(messages)
            rows = await conn.fetch('SELECT "offset" FROM internal.failed_jobs')
        finally:
            await pool.close()
            await conn.close()
        return sent, rows

    sent, rows = asyncio.run(run())
    assert sorted(r["offset"] for r in rows) == [0, 1, 2, 4, 5]
    assert len([o for o in sent if o.topic == "notification.dlq"]) == 6
