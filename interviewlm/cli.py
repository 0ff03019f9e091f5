"""``interviewlm``: every command of the service under one entry point."""

# ruff: noqa: E402  (the SIGTERM handler is installed before the other imports)

from __future__ import annotations

# First, before the heavy imports: a SIGTERM while a worker starts exits 0.
from interviewlm.early_signals import exit_zero_on_sigterm_until_started

exit_zero_on_sigterm_until_started()

import argparse
import logging
import sys
from collections.abc import Sequence
from platform import python_version

from interviewlm.commands import bridge as bridge_cmds
from interviewlm.commands import data as data_cmds
from interviewlm.commands import evaluate as evaluate_cmds
from interviewlm.commands import items as items_cmds
from interviewlm.commands import ops as ops_cmds
from interviewlm.commands import run as run_cmds
from runtime.metrics import package_version

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewlm",
        description="InterviewLM stream workers: interview agent (IRT), evaluation agent, "
        "notification worker, and their tools.",
    )
    parser.add_argument("--version", action="version",
                        version=f"interviewlm {package_version()} (Python {python_version()})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_cmds.add_commands(sub)
    data_cmds.add_commands(sub)
    items_cmds.add_commands(sub)
    ops_cmds.add_commands(sub)
    evaluate_cmds.add_commands(sub)
    bridge_cmds.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # A command's failures reach the user as one line from its exception; aiokafka
    # would also log each failed connection attempt to stderr. (A worker's own
    # logging config sets aiokafka's level again once Faust starts.)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line for the user; details stay in logs
        from interviewlm.commands.errors import describe

        message = describe(exc)
        if message is None:
            raise
        print(f"interviewlm {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
