"""A Faust worker whose agent does nothing: the framework's own delivery ceiling.

Usage: python benchmarks/noop_worker.py faust|batch BOOTSTRAP TOPIC N

- ``faust``: Faust's ordinary path, ``async for event in stream.events()`` (one
  Event, queue put and stream step per message; acked as it goes);
- ``batch``: our batch-native path (agents/faust_batches.py) with the same
  commit guard and ack-after-handle loop the interview agent uses.

Prints one JSON line ``{"mode": ..., "events": N, "events_per_s": ...}``, timed
from the first message the agent sees to the N-th, then exits.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faust

from agents.batching import consume_batches
from agents.commit_guard import commit_guard
from agents.faust_batches import batch_channel, install_batch_transport


def build(mode: str, bootstrap: str, topic: str, total: int) -> faust.App:
    consumer_url = f"kafka://{bootstrap}"
    if mode == "batch":
        consumer_url = f"{install_batch_transport()}://{bootstrap}"
    app = faust.App(f"noop-{uuid.uuid4().hex[:6]}", broker=f"kafka://{bootstrap}",
                    broker_consumer=consumer_url, store="memory://",
                    datadir=tempfile.mkdtemp(), web_enabled=False, autodiscover=False,
                    consumer_auto_offset_reset="earliest")
    channel = app.topic(topic, key_type=bytes, value_type=bytes, key_serializer="raw",
                        value_serializer="raw")
    seen: dict[str, Any] = {"n": 0, "t0": None}

    def count(n: int) -> None:
        seen["t0"] = seen["t0"] or time.perf_counter()
        seen["n"] += n
        if seen["n"] >= total:
            rate = seen["n"] / (time.perf_counter() - seen["t0"])
            print(json.dumps({"mode": mode, "events": seen["n"], "events_per_s": rate}),
                  flush=True)
            os._exit(0)

    if mode == "batch":
        hot = batch_channel(app, topic)
        channel.__aiter__()  # subscribe the topic

        @app.agent(channel, name="noop-batch")
        async def noop_batch(stream: Any) -> None:  # the stream is not iterated
            async def handle(messages: Any) -> None:
                count(len(messages))

            await consume_batches(hot, app.consumer, 500, handle, 30.0, commit_guard(app))
    else:
        @app.agent(channel, name="noop-faust")
        async def noop_faust(stream: Any) -> None:
            async for _event in stream.events():
                count(1)

    return app


def main() -> None:
    mode, bootstrap, topic, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    app = build(mode, bootstrap, topic, total)
    sys.argv = [sys.argv[0]]
    faust.Worker(app, loglevel="WARNING").execute_from_commandline()


if __name__ == "__main__":
    main()
