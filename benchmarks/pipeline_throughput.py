"""The hot path against a raw aiokafka loop: one run, one broker, ratios.

All throughput phases read the same pre-published topic of synthetic sessions:

1. raw loop: a bare aiokafka consumer that decodes each JSON message and, for
   answers, updates an EAP posterior (the hot path with nothing else); run
   first and again last, and the ratios use the mean of the two;
2. Faust no-op ceiling: a Faust worker whose agent only counts events
   (``async for event in stream.events()``);
3. batch-native no-op ceiling: the same through our batch-native delivery
   (agents/faust_batches.py, commit guard and ack-after-handle included);
4. full pipeline: a real ``interviewlm worker --agents interview`` process, from
   its first stored row until every event is in PostgreSQL (contract decoding,
   the reducer, the changelog-backed table, the batch writes and the commits).

Then, on the same running worker, event-to-stored-row latency (p50/p99) at 50
events/s and at half the full pipeline's measured capacity (benchmarks/latency.py).

Usage: python benchmarks/pipeline_throughput.py [--sessions 400] [--skip-latency]
Needs the local stack (``interviewlm stack up``) or KAFKA_BOOTSTRAP_SERVERS + DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.kafka_admin import ensure_topics
from assess.irt import Grid, ItemParams, eap, initial_log_posterior, update
from benchmarks.latency import measure_latency
from interviewlm.stack import stack_from_env
from interviewlm.synthetic import generate_session, plan_sessions
from runtime.settings import Settings
from tests.support.kafka import publish_json
from tests.support.stack import create_database, drop_database
from tests.support.worker import WorkerProcess

ROOT = Path(__file__).resolve().parents[1]


async def raw_loop(bootstrap: str, topic: str, total: int) -> float:
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


def noop_ceiling(mode: str, bootstrap: str, topic: str, total: int) -> float:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "noop_worker.py"), mode,
                          bootstrap, topic, str(total)], capture_output=True, text=True,
                         timeout=600, check=False)
    for line in (out.stdout + out.stderr).splitlines():  # Faust may route stdout to its log
        if '{"mode"' in line:
            return float(json.loads(line[line.index('{"mode"'):].rstrip())["events_per_s"])
    raise RuntimeError(f"no-op worker ({mode}) printed no result:\n{out.stdout[-2000:]}"
                       f"\n{out.stderr[-2000:]}")


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
                return float(n - first[1]) / (time.perf_counter() - first[0])
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


def sessions(n: int, prefix: str) -> list[dict[str, Any]]:
    return [e for p in plan_sessions(n, 27, 1, prefix=prefix) for e in generate_session(p).events]


def interleave(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Round-robin over sessions (order kept within each), as live traffic arrives."""
    by_session: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_session.setdefault(event["data"]["sessionId"], []).append(event)
    queues, out = list(by_session.values()), []
    for i in range(max(len(q) for q in queues)):
        out.extend(q[i] for q in queues if i < len(q))
    return out


def latency_phases(info: Any, topic: str, url: str, capacity: float) -> list[dict[str, float]]:
    results = []
    for label, rate, seconds in (("50/s", 50.0, 20.0), ("half", capacity / 2, 10.0)):
        count = int(rate * seconds)
        events = interleave(sessions(count // 27 + 1, f"lat{label[:2]}"))[:count]
        result = asyncio.run(measure_latency(info.bootstrap_servers, topic, url, events, rate))
        results.append(result)
    return results


def run_pipeline(info: Any, prefix: str, url: str, total: int,
                 with_latency: bool) -> tuple[float, list[dict[str, float]]]:
    env = {"KAFKA_BOOTSTRAP_SERVERS": info.bootstrap_servers, "DATABASE_URL": url,
           "TOPIC_PREFIX": prefix, "APP_ID": f"bench-{uuid.uuid4().hex[:6]}",
           "KAFKA_TOPIC_PARTITIONS": "8", "LOG_LEVEL": "WARNING",
           "DATA_DIR": tempfile.mkdtemp()}
    worker = WorkerProcess(env, Path(tempfile.mkdtemp()), agents="interview").start()
    try:
        worker.wait_ready()
        ours = asyncio.run(wait_stored(url, total))
        latencies = latency_phases(info, f"{prefix}interview", url, ours) if with_latency else []
    finally:
        worker.stop()
    return ours, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=400)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    info = stack_from_env().up()
    prefix, db = f"bench{uuid.uuid4().hex[:6]}.", f"bench_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(create_database(info, db))
    topic = f"{prefix}interview"
    asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=info.bootstrap_servers,
                                       topic_prefix=prefix, kafka_topic_partitions=8)))
    events = sessions(args.sessions, "sim")
    asyncio.run(publish_json(info.bootstrap_servers, topic, events))
    total = len(events)
    try:
        raw_first = asyncio.run(raw_loop(info.bootstrap_servers, topic, total))
        faust_noop = noop_ceiling("faust", info.bootstrap_servers, topic, total)
        batch_noop = noop_ceiling("batch", info.bootstrap_servers, topic, total)
        full, latencies = run_pipeline(info, prefix, url, total, not args.skip_latency)
        raw_last = asyncio.run(raw_loop(info.bootstrap_servers, topic, total))
    finally:
        asyncio.run(drop_database(info, db))
    report(total, args.sessions, load_before, (raw_first, raw_last),
           {"Faust no-op ceiling (stream.events())": faust_noop,
            "batch-native no-op ceiling (ours)": batch_noop,
            "full pipeline (table, changelog, PostgreSQL, commits)": full}, latencies)


def report(total: int, n_sessions: int, load_before: tuple[float, float, float],
           raw: tuple[float, float], rates: dict[str, float],
           latencies: list[dict[str, float]]) -> None:
    base = (raw[0] + raw[1]) / 2
    print(f"events: {total} ({n_sessions} sessions, 8 partitions), cores: {os.cpu_count()}, "
          f"load average before/after: {load_before[0]:.1f}/{os.getloadavg()[0]:.1f}")
    print(f"{'phase':<56} {'events/s':>10} {'ratio':>7}")
    print(f"{'raw aiokafka + JSON + EAP (first, last; mean = 1.00)':<56} "
          f"{raw[0]:>10,.0f} / {raw[1]:,.0f}")
    for name, rate in rates.items():
        print(f"{name:<56} {rate:>10,.0f} {rate / base:>7.3f}")
    for lat in latencies:
        print(f"latency at {lat['rate']:,.0f} events/s ({lat['events']:.0f} events, poll "
              f"{lat['poll_ms']:.0f} ms): p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms,"
              f" max {lat['max_ms']:.1f} ms")


if __name__ == "__main__":
    main()
