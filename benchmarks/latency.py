"""Event-to-stored-row latency: publish at a fixed rate, watch PostgreSQL for the rows.

Each event's ``data.timestamp`` is set to the wall clock the moment it is handed
to the producer (linger 0). A poller reads new ``internal.session_events`` rows
every ``poll`` seconds (by ``recorded_at``, indexed for the benchmark database
only) and takes the time it first sees a row as the row's stored time. So a
figure is "visible to a reader", and includes up to one poll interval of the
reader's own delay (5 ms at low rates).
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

__all__ = ["measure_latency", "percentile"]

_NEW_ROWS = ("SELECT event_key, event_ts, recorded_at FROM internal.session_events"
             " WHERE recorded_at > $1 AND event_type <> 'adjust-difficulty'")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def _publish(bootstrap: str, topic: str, events: list[dict[str, Any]],
                   rate: float) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()
    try:
        started = time.perf_counter()
        for i, event in enumerate(events):
            due = started + i / rate
            delay = due - time.perf_counter()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            event["data"]["timestamp"] = datetime.now(UTC).isoformat()
            await producer.send(topic, json.dumps(event).encode(),
                                key=event["data"]["sessionId"].encode())
        await producer.flush()
    finally:
        await producer.stop()


async def _watch(url: str, total: int, poll: float, timeout: float) -> list[float]:
    """Latency in seconds of every row, by first sight; waits for ``total`` rows."""
    conn = await asyncpg.connect(url)
    seen: dict[str, float] = {}
    watermark = datetime.now(UTC) - timedelta(seconds=1)
    deadline = time.monotonic() + timeout
    try:
        while len(seen) < total and time.monotonic() < deadline:
            rows = await conn.fetch(_NEW_ROWS, watermark)
            now = time.time()
            for row in rows:
                if row["event_key"] not in seen:
                    seen[row["event_key"]] = now - row["event_ts"].timestamp()
            if rows:  # transactions may commit out of start order: keep a margin
                newest = max(r["recorded_at"] for r in rows)
                watermark = max(watermark, newest - timedelta(milliseconds=200))
            await asyncio.sleep(poll)
    finally:
        await conn.close()
    if len(seen) < total:
        raise RuntimeError(f"only {len(seen)} of {total} rows were stored in {timeout}s")
    return list(seen.values())


async def measure_latency(bootstrap: str, topic: str, url: str,
                          events: list[dict[str, Any]], rate: float) -> dict[str, float]:
    """Publish ``events`` at ``rate`` events/s; p50/p99/max latency in milliseconds."""
    poll = 0.005 if rate <= 200 else 0.02
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE INDEX IF NOT EXISTS bench_recorded_at"
                           " ON internal.session_events (recorded_at)")
    finally:
        await conn.close()
    watcher = asyncio.ensure_future(_watch(url, len(events), poll, len(events) / rate + 60))
    await _publish(bootstrap, topic, events, rate)
    latencies = await watcher
    ms = [x * 1000 for x in latencies]
    return {"rate": rate, "events": len(ms), "p50_ms": percentile(ms, 50),
            "p99_ms": percentile(ms, 99), "max_ms": max(ms), "poll_ms": poll * 1000}
