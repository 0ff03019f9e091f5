"""Restart-to-ready and kill-to-resumed on a long changelog, RocksDB against memory.

One interview worker builds a session-state table of ``--sessions`` sessions
(about seven events each, interleaved, so the changelog holds several versions
of every key). Then, per store (``rocksdb://``, then ``memory://`` with a new
app id so it builds its own changelog):

- restart-to-ready: SIGTERM, start again, seconds until ``/ready`` answers 200
  (table recovery done, consuming);
- kill-to-resumed: ``kill -9`` and an immediate restart (as a supervisor would);
  a probe event is published right after the kill, and the figure is the
  seconds from the kill until that event's row is in PostgreSQL.

With ``--static`` the worker runs with a group instance id (static membership),
so the restarted process takes its partitions back without waiting for the
broker to expire the killed member's session (KAFKA_SESSION_TIMEOUT_SECONDS).

Usage: python benchmarks/recovery.py [--sessions 10000] [--static] [--stores rocksdb,memory]
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.kafka_admin import ensure_topics
from benchmarks.pipeline_throughput import interleave
from interviewlm.stack import stack_from_env
from interviewlm.synthetic import generate_session, plan_sessions
from runtime.settings import Settings
from tests.support.kafka import publish_json, publish_raw
from tests.support.stack import create_database, drop_database
from tests.support.worker import WorkerProcess

_COUNT = "SELECT count(*) FROM internal.session_events WHERE event_type <> 'adjust-difficulty'"


async def _wait_count(url: str, at_least: int, timeout: float = 900) -> None:
    conn = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + timeout
        while await conn.fetchval(_COUNT) < at_least:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {at_least} rows after {timeout}s")
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


def _probe(session: str, n: int) -> bytes:
    data = {"sessionId": session, "timestamp": datetime.now(UTC).isoformat(),
            "candidateId": "probe", "questionId": f"q-{n}", "difficulty": 5,
            "questionSeed": "probe"}
    return json.dumps({"type": "session-started", "eventId": f"probe-{session}-{n}",
                       "data": data}).encode()


def measure(info: Any, env: dict[str, str], url: str, topic: str, stored: int,
            log_dir: Path, rounds: int) -> dict[str, list[float]]:
    worker = WorkerProcess(env, log_dir, agents="interview").start()
    out: dict[str, list[float]] = {"restart_to_ready_s": [], "kill_to_resumed_s": []}
    try:
        worker.wait_ready(600)
        asyncio.run(_wait_count(url, stored))
        for n in range(rounds):
            worker.stop()
            started = time.monotonic()
            worker.start()
            worker.wait_ready(600)
            out["restart_to_ready_s"].append(time.monotonic() - started)
            time.sleep(2)  # let it settle (first commits) before the kill
            session = f"probe-{uuid.uuid4().hex[:8]}"
            killed = time.monotonic()
            worker.kill()
            worker.start()
            asyncio.run(publish_raw(info.bootstrap_servers, topic,
                                    [(session.encode(), _probe(session, n))]))
            stored += 1
            asyncio.run(_wait_count(url, stored))
            out["kill_to_resumed_s"].append(time.monotonic() - killed)
            worker.wait_ready(600)
    finally:
        worker.stop()
    return out


def run_store(info: Any, store: str, sessions: int, static: bool, rounds: int) -> dict[str, Any]:
    prefix, db = f"rec{uuid.uuid4().hex[:6]}.", f"rec_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(create_database(info, db))
    topic = f"{prefix}interview"
    asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=info.bootstrap_servers,
                                       topic_prefix=prefix, kafka_topic_partitions=8)))
    plans = plan_sessions(sessions, 7, 3, prefix="rec")
    events = interleave([e for p in plans for e in generate_session(p).events])
    asyncio.run(publish_json(info.bootstrap_servers, topic, events))
    app_id = f"rec-{uuid.uuid4().hex[:6]}"
    env = {"KAFKA_BOOTSTRAP_SERVERS": info.bootstrap_servers, "DATABASE_URL": url,
           "TOPIC_PREFIX": prefix, "APP_ID": app_id, "KAFKA_TOPIC_PARTITIONS": "8",
           "LOG_LEVEL": "WARNING", "TABLE_STORE": store, "DATA_DIR": tempfile.mkdtemp()}
    if static:
        env["KAFKA_GROUP_INSTANCE_ID"] = f"{app_id}-0"
    try:
        figures = measure(info, env, url, topic, len(events), Path(tempfile.mkdtemp()), rounds)
    finally:
        asyncio.run(drop_database(info, db))
    return {"store": store, "events": len(events), **figures}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--static", action="store_true")
    parser.add_argument("--stores", default="rocksdb,memory")
    args = parser.parse_args()
    info = stack_from_env().up()
    load = os.getloadavg()[0]
    print(f"sessions: {args.sessions}, static membership: {args.static}, "
          f"load average at start: {load:.1f}")
    for store in args.stores.split(","):
        result = run_store(info, f"{store}://", args.sessions, args.static, args.rounds)
        ready = ", ".join(f"{x:.1f}" for x in result["restart_to_ready_s"])
        resumed = ", ".join(f"{x:.1f}" for x in result["kill_to_resumed_s"])
        print(f"{result['store']:<11} {result['events']} events: restart-to-ready {ready} s; "
              f"kill-to-resumed {resumed} s", flush=True)


if __name__ == "__main__":
    main()
