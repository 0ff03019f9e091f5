"""How fast Faust alone delivers events here: a no-op agent over 20,000 raw messages.

Usage: python benchmarks/faust_delivery_ceiling.py batches|plain
"batches" uses our ack-after-store batching (agents/batching.py); "plain" is a bare
``async for event in stream.events()``. Needs the local stack (interviewlm stack up).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faust

from adapters.kafka_admin import ensure_topics
from agents.batching import consume_in_batches
from interviewlm.stack import stack_from_env
from runtime.settings import Settings
from tests.support.kafka import publish_raw

N = 20_000


def main(mode: str) -> None:
    info = stack_from_env().up()
    prefix = f"fo{uuid.uuid4().hex[:6]}."
    topic = prefix + "interview"
    settings = Settings(kafka_bootstrap_servers=info.bootstrap_servers, topic_prefix=prefix,
                        kafka_topic_partitions=8)
    asyncio.run(ensure_topics(settings))
    records = [(f"s{i % 300}".encode(), b'{"x": 1}') for i in range(N)]
    asyncio.run(publish_raw(info.bootstrap_servers, topic, records))
    app = faust.App(f"fo-{uuid.uuid4().hex[:6]}", broker=f"kafka://{info.bootstrap_servers}",
                    store="memory://", datadir=tempfile.mkdtemp(), web_enabled=False,
                    consumer_auto_offset_reset="earliest", autodiscover=False)
    channel = app.topic(topic, key_type=bytes, value_type=bytes, key_serializer="raw",
                        value_serializer="raw")
    seen: dict[str, Any] = {"n": 0, "t0": None}

    async def handle(events: Any) -> None:
        seen["t0"] = seen["t0"] or time.perf_counter()
        seen["n"] += len(events)
        if seen["n"] >= N:
            rate = N / (time.perf_counter() - seen["t0"])
            print(f"{mode}: {rate:.0f} events/s", flush=True)
            os._exit(0)

    @app.agent(channel)
    async def count(stream: Any) -> None:
        if mode == "batches":
            await consume_in_batches(stream, 500, 0.2, handle)
        else:
            async for event in stream.events():
                await handle([event])

    faust.Worker(app, loglevel="WARNING").execute_from_commandline()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "batches")
