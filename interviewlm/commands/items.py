"""The item bank: ``items load FILE`` and ``items calibrate``.

``calibrate`` estimates every question's 2PL or 3PL parameters by marginal maximum
likelihood from scored responses (stored ones, or ``--from-file`` JSON lines), prints
``{"items": [{"questionId", "a", "b", "c", "seA", "seB", "n", ...}]}`` and, with
``--apply``, writes the calibrated items as a new bank version for new sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from assess.irt import ItemParams
from assess.irt.calibration import CalibrationConfig, CalibrationResult, calibrate
from assess.irt.calibration_data import ResponseTable, build_table
from assess.responses import parse_response_lines
from interviewlm.commands.inputs import named, read_text
from runtime.settings import load_settings

__all__ = ["add_commands", "calibration_json"]


def add_commands(sub: Any) -> None:
    items = sub.add_parser("items", help="the IRT item bank")
    actions = items.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser("load", help="write items from a file as a new bank version")
    load.add_argument("file", type=Path,
                      help="CSV or JSON: questionId, a, b, c[, difficulty, topic]")
    load.set_defaults(handler=cmd_load)
    cal = actions.add_parser("calibrate", help="estimate item parameters from responses "
                             "(marginal maximum likelihood, N(0, 1) ability scale)")
    cal.add_argument("--from-file", type=Path, metavar="RESPONSES.jsonl",
                     help='lines {"sessionId", "questionId", "score": 0|1}; default: the '
                     "responses stored in PostgreSQL")
    cal.add_argument("--model", choices=["2pl", "3pl"], default="2pl")
    cal.add_argument("--min-responses", type=int, default=30,
                     help="items with fewer keep their prior values (default 30)")
    cal.add_argument("--c-prior", type=float, nargs=2, default=(5.0, 17.0),
                     metavar=("ALPHA", "BETA"), help="3PL: Beta prior on c (default 5 17)")
    cal.add_argument("--apply", action="store_true",
                     help="write the calibrated items as a new bank version")
    cal.set_defaults(handler=cmd_calibrate)


async def _connect() -> Any:
    from adapters.db.migrate import migrate
    from adapters.db.pool import connect

    conn = await connect(load_settings())
    await migrate(conn)
    return conn


def cmd_load(args: argparse.Namespace) -> int:
    from adapters.db.item_bank import load_items, parse_item_file

    fmt = "json" if args.file.suffix.lower() == ".json" else "csv"
    text = read_text(args.file)
    with named(args.file):
        rows = parse_item_file(text, fmt)

    async def run() -> int:
        conn = await _connect()
        try:
            return await load_items(conn, rows)
        finally:
            await conn.close()

    print(f"loaded {asyncio.run(run())} items")
    return 0


async def _stored(with_bank: bool) -> tuple[list[tuple[str, str, float]], dict[str, ItemParams]]:
    """Stored responses and the priors: the bank's values, else the parameters used."""
    from adapters.db.item_bank import bank_items
    from adapters.db.responses_repo import stored_responses

    conn = await _connect()
    try:
        stored = await stored_responses(conn)
        bank = await bank_items(conn) if with_bank else {}
    finally:
        await conn.close()
    priors = {r.question_id: r.used for r in stored}
    priors.update(bank)
    return [(r.session_id, r.question_id, r.score) for r in stored], priors


async def _bank_priors() -> dict[str, ItemParams]:
    from adapters.db.item_bank import bank_items

    conn = await _connect()
    try:
        return await bank_items(conn)
    finally:
        await conn.close()


def calibration_json(result: CalibrationResult, table: ResponseTable,
                     config: CalibrationConfig) -> dict[str, Any]:
    """The printed report: one entry per item, then how the fit went."""
    items = []
    for question_id, item in zip(table.item_ids, result.items, strict=True):
        entry: dict[str, Any] = {
            "questionId": question_id, "a": item.a, "b": item.b, "c": item.c,
            "seA": item.se_a, "seB": item.se_b, "n": item.n, "calibrated": item.calibrated}
        if config.model == "3pl":
            entry["seC"] = item.se_c
        if item.note:
            entry["note"] = item.note
        items.append(entry)
    return {"items": items, "model": config.model, "respondents": table.n_persons,
            "responses": int(table.score.size), "cycles": result.cycles,
            "converged": result.converged, "logLikelihood": result.log_likelihood,
            "scale": "theta ~ N(0, 1) logits"}


def cmd_calibrate(args: argparse.Namespace) -> int:
    if args.from_file is not None:
        text = read_text(args.from_file)
        with named(args.from_file):
            parsed = parse_response_lines(text)
        records = [(r.session_id, r.question_id, r.score) for r in parsed]
        priors = asyncio.run(_bank_priors()) if args.apply else {}
    else:
        records, priors = asyncio.run(_stored(with_bank=True))
    config = CalibrationConfig(model=args.model, min_responses=args.min_responses,
                               c_prior=tuple(args.c_prior))
    table = build_table(records)
    result = calibrate(table, priors, config)
    report = calibration_json(result, table, config)
    if args.apply:
        report["bankVersion"] = asyncio.run(_apply(report))
    print(json.dumps(report, indent=2))
    return 0


async def _apply(report: dict[str, Any]) -> int | None:
    """Write the calibrated items as a new bank version; None when none calibrated."""
    from adapters.db.item_bank import write_version

    rows = [{"question_id": i["questionId"], "a": i["a"], "b": i["b"], "c": i["c"],
             "se_a": i["seA"], "se_b": i["seB"], "responses": i["n"], "calibrated": True}
            for i in report["items"] if i["calibrated"]]
    if not rows:
        return None
    details = {"model": report["model"], "calibrated": len(rows),
               "respondents": report["respondents"], "converged": report["converged"]}
    conn = await _connect()
    try:
        return await write_version(conn, rows, "calibrate", details)
    finally:
        await conn.close()
