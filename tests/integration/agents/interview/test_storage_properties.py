"""Property: hostile values in any field of any event, through the interview agent's batch
processor into the real PostgreSQL. Every message is stored or dead-lettered, never lost
and never both, and no batch ever fails."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from adapters.db.failed_jobs import FailedJob
from adapters.db.interview_repo import InterviewWrites, batch_writer
from adapters.db.migrate import migrate
from agents.interview import InterviewProcessor
from agents.messages import OutMessage, RawMessage
from agents.recording import event_key
from interviewlm.stack import StackInfo
from streams.codec import decode_message
from streams.errors import ContractError
from streams.topics import TOPIC_EVENT_TYPES
from tables.config import ReducerConfig
from tests.integration.agents.interview.conftest import fetch
from tests.support.kafka import committed_reach_end, read_topic
from tests.support.poison import hostile_message, session_of
from tests.support.replay import MemoryStore
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

INTERVIEW_TYPES = sorted(TOPIC_EVENT_TYPES["interview"])
_offsets = itertools.count()


@pytest.fixture
def migrated(database_url: str) -> Iterator[str]:
    async def run() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
    asyncio.run(run())
    yield database_url


async def process(url: str, messages: list[RawMessage]) -> tuple[Any, list[OutMessage],
                                                                    dict[str, list[Any]]]:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    sent: list[OutMessage] = []
    write = batch_writer(pool)

    async def send(out: OutMessage) -> None:
        sent.append(out)

    async def store(writes: InterviewWrites, failed: list[FailedJob]) -> None:
        await write(writes, failed)

    try:
        processor = InterviewProcessor(store=MemoryStore(), send=send, write=store,
                                       reducer_config=ReducerConfig(), lanes=4)
        result = await processor.process_batch(messages)
        offsets = [m.offset for m in messages]
        rows = {
            "events": await pool.fetch("SELECT session_id, event_key, \"offset\" FROM"
                                       " internal.session_events"),
            "failed": await pool.fetch("SELECT \"offset\" FROM internal.failed_jobs"
                                       " WHERE \"offset\" = ANY($1)", offsets),
        }
    finally:
        await pool.close()
    return result, sent, rows


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raws=st.lists(st.sampled_from(["s-a", "s-b", "s-c"]).flatmap(
    lambda s: hostile_message(INTERVIEW_TYPES, s)), min_size=1, max_size=24))
def test_every_hostile_message_is_stored_or_dead_lettered(migrated: str,
                                                          raws: list[bytes]) -> None:
    messages = [RawMessage("interview", 0, next(_offsets), session_of(raw), raw)
                for raw in raws]
    result, sent, rows = asyncio.run(process(migrated, messages))

    dead = {d.message.offset for d in result.dead_letters}
    dlq = {dict(o.headers)["x-dlq-source"].decode() for o in sent if o.topic == "interview.dlq"}
    assert dlq == {f"interview:0:{o}" for o in dead}
    assert {r["offset"] for r in rows["failed"]} == dead
    assert not any(outcome == "rekeyed" for _, outcome in result.outcomes)
    stored_keys = {(r["session_id"], r["event_key"]) for r in rows["events"]}
    stored_offsets = {r["offset"] for r in rows["events"]}
    for msg in messages:
        if msg.offset in dead:
            assert msg.offset not in stored_offsets  # never both
            event("dead-lettered")
            continue
        decoded = decode_message(msg.value, topic="interview")  # it must have decoded
        event("repaired" if decoded.repairs else "stored")
        key = (decoded.event.data.session_id, event_key(decoded.event, msg))
        assert key in stored_keys, msg.value  # stored (or an earlier copy of it was)


# ---- the same through a running worker: Kafka in, PostgreSQL and dead letters out -------
JOB_TOPICS = {"evaluation": sorted(TOPIC_EVENT_TYPES["evaluation"]),
              "notification": sorted(TOPIC_EVENT_TYPES["notification"])}


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def all_agents(worker_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    """One worker running every agent, its webhooks answered by a local endpoint."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**worker_env, "WEBHOOK_URL": f"http://127.0.0.1:{server.server_port}/hook",
           "WEBHOOK_SECRET": "s3cret", "ANALYZE_GRACE_SECONDS": "0"}
    worker = WorkerProcess(env, tmp_path, agents="interview,evaluation,notification").start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
        server.shutdown()


async def publish(bootstrap: str, records: list[tuple[str, bytes]]) -> list[RawMessage]:
    """Send each ``(topic, value)`` keyed like a producer would; returns their positions."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        out = []
        for topic, raw in records:
            key = session_of(raw)
            meta = await producer.send_and_wait(topic, raw, key=key)
            out.append(RawMessage(topic, meta.partition, meta.offset, key, raw))
        return out
    finally:
        await producer.stop()


@settings(max_examples=2, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_worker_stores_or_dead_letters_every_hostile_message_and_moves_on(
        stack: StackInfo, database_url: str, topic_prefix: str, worker_env: dict[str, str],
        all_agents: WorkerProcess, data: st.DataObject) -> None:
    sessions = st.sampled_from([f"w-{i}" for i in range(5)])
    records = [(f"{topic_prefix}interview", data.draw(sessions.flatmap(
        lambda s: hostile_message(INTERVIEW_TYPES, s)))) for _ in range(40)]
    for base, types in JOB_TOPICS.items():
        records += [(f"{topic_prefix}{base}", data.draw(sessions.flatmap(
            lambda s, t=types: hostile_message(t, s)))) for _ in range(10)]
    sent = asyncio.run(publish(stack.bootstrap_servers, records))
    topics = [f"{topic_prefix}{t}{s}" for t in ("interview", "evaluation", "evaluation-urgent",
                                                  "notification") for s in ("", ".retry")]
    asyncio.run(committed_reach_end(stack.bootstrap_servers, worker_env["APP_ID"], topics,
                                    120))

    dlq_sources: set[str] = set()
    for base in ("interview", "evaluation", "evaluation-urgent", "notification"):
        for record in asyncio.run(read_topic(stack.bootstrap_servers,
                                             f"{topic_prefix}{base}.dlq", timeout=5)):
            headers = dict(record.headers)
            dlq_sources.add((headers.get("x-origin") or headers["x-dlq-source"]).decode())
    events = asyncio.run(fetch(database_url, "SELECT session_id, event_key, topic, partition,"
                               " \"offset\" FROM internal.session_events"))
    stored_keys = {(r["session_id"], r["event_key"]) for r in events}
    stored_at = {f"{r['topic']}:{r['partition']}:{r['offset']}" for r in events}
    for msg in sent:
        base = msg.topic.removeprefix(topic_prefix)
        try:
            decoded = decode_message(msg.value, topic=base, headers=msg.headers)
        except ContractError:
            assert msg.event_id in dlq_sources, msg.value  # refused: dead-lettered
            assert msg.event_id not in stored_at
            continue
        if base == "interview" and msg.event_id not in dlq_sources:
            key = (decoded.event.data.session_id, event_key(decoded.event, msg))
            assert key in stored_keys, msg.value
    assert all_agents.proc is not None and all_agents.proc.poll() is None
