"""Operations commands: the failed-job store."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from runtime.settings import load_settings

__all__ = ["add_commands"]


def add_commands(sub: Any) -> None:
    failed = sub.add_parser("failed", help="inspect, retry or purge failed jobs")
    failed.add_argument("action", choices=["list", "show", "retry", "purge"])
    failed.add_argument("id", nargs="?", type=int, help="job id (show, retry)")
    failed.add_argument("--all", action="store_true", help="retry every failed job")
    failed.add_argument("--topic", help="only jobs from this source topic")
    failed.add_argument("--limit", type=int, default=50)
    failed.set_defaults(handler=cmd_failed)


def cmd_failed(args: argparse.Namespace) -> int:
    from interviewlm.failed_ops import run_failed_command

    result = asyncio.run(run_failed_command(load_settings(), args.action, job_id=args.id,
                                            retry_all=args.all, topic=args.topic,
                                            limit=args.limit))
    print(json.dumps(result, indent=2, default=str))
    return 0
