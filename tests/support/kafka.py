"""Publishing to and reading from the real broker in tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

__all__ = ["committed_reach_end", "publish_json", "publish_raw", "read_topic"]


async def publish_raw(bootstrap: str, topic: str,
                      records: list[tuple[bytes | None, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=10_485_760,
                                acks="all")
    await producer.start()
    try:
        for key, value in records:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def publish_json(bootstrap: str, topic: str, events: list[dict[str, Any]]) -> None:
    await publish_raw(bootstrap, topic, [
        (e["data"]["sessionId"].encode() if isinstance(e.get("data"), dict)
         and isinstance(e["data"].get("sessionId"), str) else None, json.dumps(e).encode())
        for e in events
    ])


async def read_topic(bootstrap: str, topic: str, expect: int | None = None,
                     timeout: float = 30.0) -> list[Any]:
    """Every record on ``topic`` from the start (waits for ``expect`` records if given)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False,
                                group_id=None)
    await consumer.start()
    records: list[Any] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for part in batch.values():
                records.extend(part)
            if expect is not None and len(records) >= expect:
                break
            if expect is None and not batch and records:
                break
    finally:
        await consumer.stop()
    return records


async def committed_reach_end(bootstrap: str, group: str, topics: list[str],
                              timeout: float) -> float:
    """Seconds until ``group``'s committed offsets reach the end of every partition of
    ``topics`` (end offsets read once, at the start); fails after ``timeout`` seconds."""
    from adapters.lag import fetch_committed, fetch_offsets
    from runtime.settings import Settings

    settings = Settings(kafka_bootstrap_servers=bootstrap)
    loop = asyncio.get_running_loop()
    started = loop.time()
    end = {tp: n for tp, n in (await fetch_offsets(settings, topics)).end.items() if n > 0}
    committed: dict[tuple[str, int], int] = {}
    while loop.time() - started < timeout:
        committed = await fetch_committed(settings, group)
        if all(committed.get(tp, 0) >= last for tp, last in end.items()):
            return loop.time() - started
        await asyncio.sleep(0.5)
    behind = {tp: (committed.get(tp), last) for tp, last in end.items()
              if committed.get(tp, 0) < last}
    raise AssertionError(f"after {timeout}s the group is behind on (committed, end): {behind}")
