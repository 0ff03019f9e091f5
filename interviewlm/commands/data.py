"""Commands that move data: publish, simulate, migrate, IRT, metrics (item bank: items.py)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from interviewlm.commands.inputs import named, read_text
from runtime.settings import Settings, load_settings

__all__ = ["add_commands", "decode_json_columns", "read_events", "simulate_and_publish"]


def add_commands(sub: Any) -> None:
    pub = sub.add_parser("publish", help="publish JSON events (a file or - for stdin)")
    pub.add_argument("file", nargs="?", default="-",
                     help="JSON array, one JSON object, or JSON lines; - reads stdin")
    pub.set_defaults(handler=cmd_publish)

    sim = sub.add_parser("simulate", help="publish realistic synthetic sessions")
    sim.add_argument("--sessions", type=int, default=None, help="number of sessions")
    sim.add_argument("--events", type=int, default=None,
                     help="total events (with --sessions: events per session)")
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--truth-out", type=Path, help="write each session's true theta here")
    sim.set_defaults(handler=cmd_simulate)

    db = sub.add_parser("db", help="database tasks")
    db.add_argument("action", choices=["migrate"])
    db.set_defaults(handler=cmd_db)

    irt = sub.add_parser("irt", help="IRT tools for analysts")
    irt.add_argument("action", choices=["estimate"],
                     help='reads {"responses": [...], "method", "grid"} JSON on stdin')
    irt.set_defaults(handler=cmd_irt)

    metrics = sub.add_parser("metrics", help="print a session's stored metrics")
    metrics.add_argument("session_id")
    metrics.set_defaults(handler=cmd_metrics)


def read_events(text: str) -> list[dict[str, Any]]:
    """A JSON array, a single JSON object, or JSON lines (each must be an object)."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped[0] == "[":
        events = json.loads(stripped)
    else:
        try:
            events = [json.loads(stripped)]
        except json.JSONDecodeError:
            events = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise ValueError("expected a JSON array of event objects, one object, or JSON lines")
    return events


def cmd_publish(args: argparse.Namespace) -> int:
    text = read_text(args.file)
    with named(args.file):
        events = read_events(text)
        validate_events(events)
    count = asyncio.run(_publish(load_settings(), events))
    print(f"published {count} events")
    return 0


def validate_events(events: list[dict[str, Any]]) -> list[Any]:
    """Every event decoded against the contract; the error names the event's index."""
    from streams.codec import decode
    from streams.errors import ContractError

    validated = []
    for index, event in enumerate(events):
        try:
            validated.append(decode(json.dumps(event).encode()))
        except ContractError as exc:
            raise ValueError(f"event {index}: {exc}") from None
    return validated


async def _publish(settings: Settings, events: list[dict[str, Any]],
                   progress: bool = False) -> int:
    from adapters.kafka_admin import open_publisher

    validated = validate_events(events)  # fail before sending any
    async with open_publisher(settings) as publisher:
        bar = _progress(len(validated)) if progress else None
        for event in validated:
            await publisher.publish(event)
            if bar is not None:
                bar.update(1)
        await publisher.flush()
        if bar is not None:
            bar.close()
    return len(validated)


def _progress(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="ev", file=sys.stderr, desc="publishing")


async def simulate_and_publish(settings: Settings, sessions: int, events_per_session: int,
                               seed: int, progress: bool = False) -> list[Any]:
    from interviewlm.synthetic import generate_session, plan_sessions

    plans = plan_sessions(sessions, events_per_session, seed)
    events: list[dict[str, Any]] = []
    for plan in plans:
        events.extend(generate_session(plan, seed).events)
    await _publish(settings, events, progress=progress)
    return plans


def cmd_simulate(args: argparse.Namespace) -> int:
    sessions, per_session = args.sessions, 30
    if sessions is None and args.events is None:
        sessions = 10
    elif sessions is None:
        sessions = max(1, args.events // per_session)
    elif args.events is not None:
        per_session = max(7, args.events)
    plans = asyncio.run(simulate_and_publish(load_settings(), sessions, per_session, args.seed,
                                             progress=True))
    if args.truth_out:
        args.truth_out.write_text(json.dumps(
            {p.session_id: {"trueTheta": p.true_theta, "items": p.n_items} for p in plans},
            indent=1))
    print(f"published {len(plans)} sessions")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    async def run() -> list[str]:
        from adapters.db.migrate import migrate
        from adapters.db.pool import connect

        conn = await connect(load_settings())
        try:
            return await migrate(conn)
        finally:
            await conn.close()

    applied = asyncio.run(run())
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


def cmd_irt(args: argparse.Namespace) -> int:
    from assess.irt import estimate_from_json

    with named("-"):
        print(json.dumps(estimate_from_json(json.loads(sys.stdin.read()))))
    return 0


async def decode_json_columns(conn: Any) -> None:
    """Make ``conn`` return json/jsonb columns as Python values, not JSON text.

    asyncpg hands both types back as ``str`` by default, which ``json.dumps``
    would then print as a string containing JSON.
    """
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads,
                                  schema="pg_catalog")


def cmd_metrics(args: argparse.Namespace) -> int:
    async def run() -> Any:
        from adapters.db.pool import connect

        conn = await connect(load_settings())
        try:
            await decode_json_columns(conn)
            return await conn.fetchrow(
                "SELECT * FROM internal.session_metrics WHERE session_id = $1", args.session_id)
        finally:
            await conn.close()

    row = asyncio.run(run())
    if row is None:
        print(f"no metrics stored for session {args.session_id}", file=sys.stderr)
        return 1
    print(json.dumps(dict(row), indent=2, default=str))
    return 0
