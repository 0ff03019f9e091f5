"""Faust wiring for the interview agent: topic, session-state table, batch loop.

Thin on purpose: decoding, reducing and storing live in
:class:`agents.interview.InterviewProcessor`.
"""

from __future__ import annotations

import time
from typing import Any

import faust

from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import InterviewWrites, batch_writer
from adapters.db.item_bank import CachedItemBank
from adapters.db.migrate import migrate
from adapters.db.pool import create_pool
from adapters.llm import LLMClient
from adapters.prompt_classifier import PromptClassifier
from agents.active_sessions import ActiveSessions
from agents.batching import consume_in_batches
from agents.commit_guard import commit_guard
from agents.faust_support import FaustOutbox, raw_messages, record_batch_metrics
from agents.faust_table import TableStore
from agents.interview import WORKER, InterviewProcessor
from runtime.metrics import ACTIVE_SESSIONS, DB_WRITE_BATCH
from runtime.reducer_config import reducer_config
from runtime.settings import Settings
from streams.topics import INTERVIEW

__all__ = ["SESSION_TABLE", "register_interview_agent"]

SESSION_TABLE = "session-state"


def register_interview_agent(app: faust.App, settings: Settings) -> Any:
    partitions = settings.kafka_topic_partitions
    topic = app.topic(settings.topics(INTERVIEW), key_type=bytes, value_type=bytes,
                      key_serializer="raw", value_serializer="raw", partitions=partitions)
    raw = faust.Schema(key_type=bytes, value_type=bytes, key_serializer="raw",
                       value_serializer="raw")
    # key_type/value_type bytes make Faust use the raw codec for the changelog too
    # (it picks the changelog serializer from these, not from the schema).
    table = app.Table(SESSION_TABLE, default=None, partitions=partitions, schema=raw,
                      key_type=bytes, value_type=bytes)
    outbox = FaustOutbox(app)
    active = ActiveSessions()

    @app.on_partitions_revoked.connect
    async def forget_revoked(sender: Any, revoked: Any, **_: Any) -> None:
        ACTIVE_SESSIONS.set(active.revoke((tp.topic, tp.partition) for tp in revoked))

    @app.agent(topic, name="interview-agent")
    async def interview_agent(stream: faust.StreamT[bytes]) -> None:
        pool = await create_pool(settings)
        llm = None if settings.offline or not settings.llm_prompt_classifier else LLMClient(
            settings)
        try:
            async with pool.acquire() as conn:
                await migrate(conn)
            processor = InterviewProcessor(
                store=TableStore(table), send=outbox.send,
                write=_writer(pool, active, settings.app_id),
                items=CachedItemBank(pool), reducer_config=reducer_config(settings),
                lanes=settings.worker_concurrency, max_bytes=settings.max_message_bytes,
                names=settings.topics,
                classify=PromptClassifier(llm, settings).classify if llm else None)

            async def handle(events: Any) -> None:
                started = time.perf_counter()
                result = await processor.process_batch(raw_messages(events))
                record_batch_metrics("interview", settings.topics(INTERVIEW), result.outcomes,
                                     result.dead_letters, time.perf_counter() - started)

            await consume_in_batches(stream, settings.batch_max_events,
                                     settings.batch_within_seconds, handle,
                                     settings.shutdown_timeout_seconds, commit_guard(app),
                                     app.consumer)
        finally:
            if llm is not None:
                await llm.aclose()
            await pool.close()

    return interview_agent


def _writer(pool: Any, active: ActiveSessions, group: str) -> Any:
    """The db adapter's batch write (failed jobs recorded for consumer group ``group``),
    then the batch-size and active-session gauges."""
    store = batch_writer(pool, group)

    async def write(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        await store(writes, failed)
        DB_WRITE_BATCH.observe(len(writes) + len(failed))
        ACTIVE_SESSIONS.set(active.observe(writes))

    return write


__all__ += ["WORKER"]
