"""Interview-agent throughput against a raw aiokafka loop, same machine, same run.

Both read the same pre-published topic of synthetic sessions:
- baseline: a plain aiokafka consumer that decodes each JSON message and, for
  answers, updates an EAP posterior (the hot path with nothing else);
- pipeline: a real ``interviewlm worker --agents interview`` process, measured
  from its first stored batch until every event is stored in PostgreSQL (the
  table, changelog, write-behind upserts and commits included).

Usage: python benchmarks/pipeline_throughput.py [--sessions 400]
Needs the local stack (``interviewlm stack up``) or KAFKA_BOOTSTRAP_SERVERS + DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.kafka_admin import ensure_topics
from assess.irt import Grid, ItemParams, eap, initial_log_posterior, update
from interviewlm.stack import stack_from_env
from interviewlm.synthetic import generate_session, plan_sessions
from runtime.settings import Settings
from tests.support.kafka import publish_json
from tests.support.stack import create_database, drop_database
from tests.support.worker import WorkerProcess


async def baseline(bootstrap: str, topic: str, total: int) -> float:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False,
                                max_poll_records=1000)
    await consumer.start()
    grid, posts, seen = Grid(), {}, 0
    started = None
    try:
        while seen < total:
            batch = await consumer.getmany(timeout_ms=1000, max_records=1000)
            started = started or time.perf_counter()
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    seen += 1
                    if event["type"] == "question-answered":
                        sid = event["data"]["sessionId"]
                        post = posts.get(sid)
                        post = initial_log_posterior(grid) if post is None else post
                        item = ItemParams(**event["data"]["itemParams"])
                        posts[sid] = update(post, grid, item, float(event["data"]["isCorrect"]))
                        eap(posts[sid], grid)
    finally:
        await consumer.stop()
    return seen / (time.perf_counter() - (started or time.perf_counter()))


async def wait_stored(url: str, total: int) -> float:
    conn = await asyncpg.connect(url)
    try:
        first = None
        while True:
            n = await conn.fetchval("SELECT count(*) FROM internal.session_events "
                                    "WHERE event_type <> 'adjust-difficulty'")
            if n and first is None:
                first = (time.perf_counter(), n)
            if n >= total:
                assert first is not None
                return (n - first[1]) / (time.perf_counter() - first[0])
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=400)
    args = parser.parse_args()
    info = stack_from_env().up()
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    db = f"bench_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(create_database(info, db))
    topic = f"{prefix}interview"
    asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=info.bootstrap_servers,
                                       topic_prefix=prefix, kafka_topic_partitions=8)))
    events = [e for p in plan_sessions(args.sessions, 27, 1) for e in generate_session(p).events]
    asyncio.run(publish_json(info.bootstrap_servers, topic, events))
    base = asyncio.run(baseline(info.bootstrap_servers, topic, len(events)))
    env = {"KAFKA_BOOTSTRAP_SERVERS": info.bootstrap_servers, "DATABASE_URL": url,
           "TOPIC_PREFIX": prefix, "APP_ID": f"bench-{uuid.uuid4().hex[:6]}",
           "KAFKA_TOPIC_PARTITIONS": "8", "LOG_LEVEL": "WARNING",
           "DATA_DIR": tempfile.mkdtemp()}
    worker = WorkerProcess(env, Path(tempfile.mkdtemp()), agents="interview").start()
    try:
        worker.wait_ready()
        ours = asyncio.run(wait_stored(url, len(events)))
    finally:
        worker.stop()
        asyncio.run(drop_database(info, db))
    print(f"events: {len(events)} ({args.sessions} sessions), cores: {os.cpu_count()}")
    print(f"baseline raw aiokafka + JSON + EAP: {base:,.0f} events/s")
    print(f"pipeline (table, changelog, PostgreSQL write-behind, commits): {ours:,.0f} events/s")
    print(f"ratio pipeline / baseline: {ours / base:.2f}")


if __name__ == "__main__":
    main()
