"""Running things: the local stack, the workers, and the end-to-end demo."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from typing import Any

from agents.registry import AGENTS
from runtime.settings import Settings, load_settings

__all__ = ["add_commands", "preflight"]

DEMO_AGENTS = "interview,evaluation"


def add_commands(sub: Any) -> None:
    stack = sub.add_parser("stack", help="start, stop or check the local Kafka + PostgreSQL")
    stack.add_argument("action", choices=["up", "down", "status"])
    stack.add_argument("--timeout", type=float, default=120.0,
                       help="seconds to wait for the servers (external ones: at most 10)")
    stack.set_defaults(handler=cmd_stack)

    worker = sub.add_parser("worker", help="run the stream workers (all agents by default)")
    worker.add_argument("--agents", default=None,
                        help="comma-separated subset of: " + ", ".join(AGENTS.names())
                        + " (default: all)")
    worker.set_defaults(handler=cmd_worker)

    demo = sub.add_parser("demo", help="stack up, run the workers on one simulated session, "
                          "print its stored metrics")
    demo.add_argument("--timeout", type=float, default=180.0)
    demo.add_argument("--events", type=int, default=30, help="events in the simulated session")
    demo.add_argument("--verbose-worker", action="store_true", help="show the worker's logs")
    demo.set_defaults(handler=cmd_demo)


def progress(command: str) -> Any:
    """A ``say(text)`` that prints ``<command>: <text>`` to stderr at once (stdout
    stays for results, so ``eval "$(interviewlm stack up)"`` still works)."""

    def say(text: str) -> None:
        print(f"{command}: {text}", file=sys.stderr, flush=True)

    return say


def cmd_stack(args: argparse.Namespace) -> int:
    from interviewlm.stack import stack_from_env

    stack = stack_from_env()
    stack.say = progress("stack")
    if args.action == "up":
        info = stack.up(timeout=args.timeout)
        print("# stack is healthy; use these settings:")
        for key, value in info.env().items():
            print(f"export {key}={value}")
    elif args.action == "down":
        stack.down()
        print("stack stopped")
    else:
        for name, state in stack.status().items():
            print(f"{name}: {state}")
    return 0


async def preflight(settings: Settings, agents: Iterable[str] = ()) -> None:
    """Fail fast with a clear error if Kafka or PostgreSQL is away; create topics (the
    contract's and those the named agents consume), migrate."""
    from adapters.db.migrate import migrate
    from adapters.db.pool import connect
    from adapters.kafka_admin import ensure_topics, wait_for_group_coordinator

    conn = await connect(settings)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    await asyncio.wait_for(ensure_topics(settings, AGENTS.topics(agents)), 30)
    await wait_for_group_coordinator(settings, settings.app_id)


def cmd_worker(args: argparse.Namespace) -> int:
    from interviewlm.app import create_app, parse_agents
    from interviewlm.commands.errors import check_port_free
    from interviewlm.worker import BoundedWorker, started_fields
    from runtime.logs import RedactSecrets, logging_config

    settings = load_settings()
    agents = parse_agents(args.agents)
    RedactSecrets.register(_secret_values(settings))
    check_port_free(settings.web_host, settings.web_port, "WEB_PORT")
    asyncio.run(preflight(settings, agents))
    asyncio.set_event_loop(asyncio.new_event_loop())
    app = create_app(settings, agents)
    started = started_fields(host=settings.web_host, port=settings.web_port, agents=agents,
                             group=settings.app_id, topic_prefix=settings.topic_prefix)
    worker = BoundedWorker(app, shutdown_timeout=settings.shutdown_timeout_seconds,
                           started=started,
                           loglevel=settings.log_level,
                           logging_config=logging_config(settings.log_level))
    worker.execute_from_commandline()
    return 0


def _secret_values(settings: Settings) -> list[str | None]:
    values: list[str | None] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if hasattr(value, "get_secret_value"):
            secret = value.get_secret_value()
            values.append(secret)
            if name == "database_url" and "@" in secret and ":" in secret.split("@")[0][11:]:
                values.append(secret.split("@")[0].rsplit(":", 1)[-1])  # the password alone
    return values


def cmd_demo(args: argparse.Namespace) -> int:
    """The README's first command: everything up, one session through, metrics out.

    Progress goes to stderr step by step; the session's figures go to stdout.
    """
    from interviewlm.commands.errors import check_port_free
    from interviewlm.stack import stack_from_env

    say = progress("demo")
    stack = stack_from_env()
    stack.say = progress("demo: stack")
    info = stack.up()
    settings = load_settings(kafka_bootstrap_servers=info.bootstrap_servers,
                             database_url=info.database_url)
    check_port_free(settings.web_host, settings.web_port, "WEB_PORT")
    say("creating topics and migrating the database")
    asyncio.run(preflight(settings))
    say(f"starting the {DEMO_AGENTS.replace(',', ' and ')} agents "
        f"(board: http://127.0.0.1:{settings.web_port}/admin/queues)")
    worker = subprocess.Popen([sys.executable, "-m", "interviewlm.cli", "worker",
                               "--agents", DEMO_AGENTS], env=dict(os.environ, **info.env()),
                              stdout=subprocess.DEVNULL if not args.verbose_worker else None)
    try:
        _wait_ready(settings.web_port, args.timeout, worker)
        print(json.dumps(_run_one_session(settings, args, say), indent=2, default=str))
        return 0
    finally:
        say("stopping the workers")
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)


def _run_one_session(settings: Settings, args: argparse.Namespace, say: Any) -> Any:
    """Publish one simulated session and wait for its stored metrics and evaluation."""
    from interviewlm.commands.data import simulate_and_publish

    say(f"workers ready; publishing one simulated session ({args.events} events)")
    plans = asyncio.run(simulate_and_publish(settings, sessions=1, events_per_session=args.events,
                                             seed=int(time.time())))
    session_id = plans[0].session_id
    say(f"waiting for session {session_id}'s metrics")
    row = asyncio.run(_wait_for_metrics(settings, session_id, args.timeout))
    say("waiting for its evaluation")
    evaluation = asyncio.run(_wait_for_evaluation(settings, session_id, args.timeout))
    return {"sessionId": session_id, "trueTheta": round(plans[0].true_theta, 3),
            "metrics": row, "evaluation": evaluation}


def _wait_ready(port: int, timeout: float, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise TimeoutError(f"worker exited with {proc.returncode} before becoming ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("worker did not become ready")


async def _poll_row(settings: Settings, sql: str, session_id: str, timeout: float,
                    what: str) -> Any:
    """Poll ``sql`` (one ``$1`` = session id) until it returns a row, or time out."""
    from adapters.db.pool import connect
    from interviewlm.commands.data import decode_json_columns

    conn = await connect(settings)
    try:
        await decode_json_columns(conn)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = await conn.fetchrow(sql, session_id)
            if row is not None:
                return dict(row)
            await asyncio.sleep(0.5)
        raise TimeoutError(f"session {session_id} was not {what} within {timeout:.0f}s")
    finally:
        await conn.close()


async def _wait_for_evaluation(settings: Settings, session_id: str,
                               timeout: float) -> Any:
    """The stored evaluation's headline figures (overall, per dimension, flags)."""
    row = await _poll_row(
        settings, "SELECT evaluation_id, overall_score, overall_confidence, needs_review, mode,"
        " result FROM internal.evaluations WHERE session_id = $1", session_id, timeout,
        "evaluated")
    result = row["result"]
    return {
        "evaluationId": row["evaluation_id"], "mode": row["mode"],
        "overallScore": round(row["overall_score"], 1),
        "confidence": round(row["overall_confidence"], 2),
        "needsReview": row["needs_review"],
        "dimensions": {k: round(v["score"], 1)
                       for k, v in result.get("dimensions", {}).items()},
        "flags": [f["code"] for f in result.get("flags", [])],
    }


async def _wait_for_metrics(settings: Settings, session_id: str, timeout: float) -> Any:
    return await _poll_row(
        settings, "SELECT * FROM internal.session_metrics WHERE session_id = $1"
        " AND completed_at IS NOT NULL", session_id, timeout, "stored")
