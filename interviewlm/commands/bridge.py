"""``interviewlm bridge bullmq``: publish the platform's BullMQ jobs to Kafka."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from typing import Any

from runtime.settings import load_settings

__all__ = ["add_commands"]


def add_commands(sub: Any) -> None:
    bridge = sub.add_parser("bridge", help="move jobs from another queue system to Kafka")
    kinds = bridge.add_subparsers(dest="kind", required=True, metavar="KIND")
    bull = kinds.add_parser("bullmq", help="consume BullMQ queues from Redis, publish to Kafka")
    bull.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://localhost:6379"),
                      help="Redis URL (default $REDIS_URL or redis://localhost:6379)")
    bull.add_argument("--queues", default="interview,evaluation,notification",
                      help="comma-separated queue names (each goes to the topic of that name)")
    bull.set_defaults(handler=cmd_bridge_bullmq)


def cmd_bridge_bullmq(args: argparse.Namespace) -> int:
    from interviewlm.bridge import run_bridge

    queues = [q.strip() for q in args.queues.split(",") if q.strip()]

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_bridge(load_settings(), args.redis_url, queues, stop)

    asyncio.run(main())
    return 0
