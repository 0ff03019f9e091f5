"""Operations commands: the failed-job store.

``failed purge`` and ``failed retry`` act only on what they are given (ids, a
topic, or ``--all``), never on everything by default. A purge shows how many
jobs it would delete and asks first; ``--yes`` answers for scripts. Exit codes:
0 done, 1 declined or nothing done, 2 an error (unknown id, service away).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TextIO

from runtime.settings import Settings, load_settings

__all__ = ["add_commands", "confirm", "job_json"]


def add_commands(sub: Any) -> None:
    failed = sub.add_parser("failed", help="inspect, retry or purge failed jobs")
    actions = failed.add_subparsers(dest="action", required=True, metavar="ACTION")

    lst = actions.add_parser("list", help="the newest failed jobs")
    lst.add_argument("--topic", help="only jobs from this source topic")
    lst.add_argument("--status", choices=["failed", "retried"])
    lst.add_argument("--limit", type=int, default=50)
    lst.set_defaults(handler=cmd_list)

    show = actions.add_parser("show", help="one job with its payload and stack trace")
    show.add_argument("id", type=int)
    show.set_defaults(handler=cmd_show)

    for name, text in (("retry", "republish jobs to their source topics"),
                       ("purge", "delete jobs from the store")):
        act = actions.add_parser(name, help=text)
        act.add_argument("ids", nargs="*", type=int, metavar="ID", help="job ids")
        act.add_argument("--topic", help="every job of this source topic")
        act.add_argument("--all", action="store_true", help="every job (with --topic: of it)")
        if name == "purge":
            act.add_argument("-y", "--yes", action="store_true",
                             help="do not ask for confirmation")
        act.set_defaults(handler=cmd_retry if name == "retry" else cmd_purge)


@asynccontextmanager
async def _store(settings: Settings) -> AsyncIterator[Any]:
    from adapters.db.failed_jobs import FailedJobStore
    from adapters.db.pool import connect

    conn = await connect(settings)
    try:
        yield FailedJobStore(conn)
    finally:
        await conn.close()


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def _selection(args: argparse.Namespace) -> Any:
    from interviewlm.failed_ops import Selection

    everything = args.all or (args.topic is not None and not args.ids)
    return Selection(tuple(args.ids), args.topic, everything)


def job_json(job: dict[str, Any]) -> dict[str, Any]:
    """A stored job for people: key as text, payload as JSON when it is JSON."""
    out = dict(job)
    payload = bytes(out.pop("payload")).decode(errors="replace")
    try:
        out["payload"] = json.loads(payload)
    except ValueError:
        out["payload"] = payload
    key = out.get("message_key")
    out["message_key"] = bytes(key).decode(errors="replace") if key is not None else None
    return out


def cmd_list(args: argparse.Namespace) -> int:
    async def run() -> Any:
        async with _store(load_settings()) as store:
            return await store.list(topic=args.topic, status=args.status, limit=args.limit)

    _print(asyncio.run(run()))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from interviewlm.failed_ops import NoSuchJob

    async def run() -> Any:
        async with _store(load_settings()) as store:
            return await store.get(args.id)

    job = asyncio.run(run())
    if job is None:
        raise NoSuchJob([args.id])
    _print(job_json(job))
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    from interviewlm.failed_ops import resolve, retry_jobs

    settings, selection = load_settings(), _selection(args)

    async def run() -> Any:
        async with _store(settings) as store:
            ids = await resolve(store, selection, status=None if selection.ids else "failed")
            return await retry_jobs(settings, store, ids)

    outcome = asyncio.run(run())
    _print(outcome.to_json())
    return 1 if selection.ids and outcome.skipped else 0


def cmd_purge(args: argparse.Namespace) -> int:
    from interviewlm.failed_ops import purge_jobs, resolve

    settings, selection = load_settings(), _selection(args)

    async def named() -> list[int]:
        async with _store(settings) as store:
            return await resolve(store, selection)

    ids = asyncio.run(named())
    if not ids:
        print(f"nothing to purge: {selection.describe(0)}", file=sys.stderr)
        return 1
    if not confirm(f"Delete {selection.describe(len(ids))}?", args.yes):
        print("nothing deleted", file=sys.stderr)
        return 1

    async def delete() -> list[int]:
        async with _store(settings) as store:
            return await purge_jobs(store, ids)

    _print({"purged": asyncio.run(delete())})
    return 0


def confirm(question: str, assume_yes: bool, stdin: TextIO | None = None,
            out: TextIO | None = None) -> bool:
    """Ask ``question`` on stderr and read y/N from stdin (a terminal or a pipe).

    With no answer at all (stdin closed or empty) this refuses with a
    ValueError that says to add ``--yes``, so a script never deletes by accident
    and never hangs.
    """
    if assume_yes:
        return True
    stdin, out = stdin or sys.stdin, out or sys.stderr
    print(f"{question} [y/N] ", end="", file=out, flush=True)
    answer = stdin.readline()
    if not answer:
        print(file=out)
        raise ValueError("no answer to the confirmation on stdin; add --yes to skip it")
    return answer.strip().lower() in ("y", "yes")
