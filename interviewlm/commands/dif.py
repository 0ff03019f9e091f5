"""``fairness dif``: Mantel-Haenszel DIF per question between two candidate groups.

Input: the scored answers stored in PostgreSQL joined to ``--groups`` (a CSV of
``candidateId,group``, as ``fairness report`` reads), or ``--from-file`` JSON lines
``{"sessionId", "questionId", "score": 0|1, "group"}``. The reference group is
``--reference`` or the first group seen (CSV or file order); the focal group is
``--focal`` or the only other one. Prints
``{"items": [{"questionId", "mhDelta", "class", "n", ...}]}``. A run read from the
database is stored (``--no-store`` to skip) so the ``interviewlm_dif_items`` gauge and
its alert see it; a file run is stored only with ``--store``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from assess.dif import DifItem, InvalidDifInput, mantel_haenszel_dif
from assess.responses import parse_response_lines
from interviewlm.commands.inputs import named, read_text
from runtime.settings import load_settings

__all__ = ["add_dif_arguments", "cmd_dif", "dif_json", "pick_groups"]


def add_dif_arguments(parser: Any) -> None:
    parser.add_argument("--from-file", type=Path, metavar="RESPONSES.jsonl",
                        help='dif: lines {"sessionId", "questionId", "score": 0|1, "group"}')
    parser.add_argument("--reference", help="dif: reference group (default: first seen)")
    parser.add_argument("--focal", help="dif: focal group (default: the other group)")
    parser.add_argument("--store", action=argparse.BooleanOptionalAction, default=None,
                        help="dif: store the run for the DIF gauge (default: yes for stored "
                        "responses, no for --from-file)")


def pick_groups(seen: list[str], reference: str | None, focal: str | None) -> tuple[str, str]:
    """Reference and focal group names from the groups in order of appearance."""
    ordered = list(dict.fromkeys(seen))
    ref = reference or (ordered[0] if ordered else None)
    others = [g for g in ordered if g != ref]
    foc = focal or (others[0] if len(others) == 1 else None)
    if ref is None or foc is None:
        raise InvalidDifInput(
            f"need a reference and a focal group; groups seen: {ordered}"
            + ("; name one with --focal" if len(others) > 1 else ""))
    if ref not in ordered or foc not in ordered:
        raise InvalidDifInput(f"group not in the data; groups seen: {ordered}")
    return ref, foc


def dif_json(items: list[DifItem], reference: str, focal: str) -> dict[str, Any]:
    return {"reference": reference, "focal": focal,
            "counts": {k: sum(1 for i in items if i.dif_class == k) for k in "ABC"},
            "items": [{"questionId": i.question_id, "mhDelta": i.mh_delta,
                       "seDelta": i.se_delta, "chiSquare": i.chi_square, "class": i.dif_class,
                       "n": i.n, "nReference": i.n_reference, "nFocal": i.n_focal}
                      for i in items]}


async def _stored(groups_csv: str) -> tuple[list[tuple[str, str, float]], dict[str, str],
                                             list[str]]:
    """Stored answers with each session's group (via its candidate)."""
    from adapters.db.migrate import migrate
    from adapters.db.pool import connect
    from adapters.db.responses_repo import stored_responses
    from assess.fairness import load_group_labels

    labels = load_group_labels(groups_csv)
    conn = await connect(load_settings())
    try:
        await migrate(conn)
        stored = await stored_responses(conn)
    finally:
        await conn.close()
    by_session = {r.session_id: labels[r.candidate_id] for r in stored
                  if r.candidate_id in labels}
    records = [(r.session_id, r.question_id, r.score) for r in stored]
    return records, by_session, list(labels.values())


async def _store(reference: str, focal: str, items: list[DifItem]) -> int:
    from adapters.db.dif_repo import store_dif_run
    from adapters.db.migrate import migrate
    from adapters.db.pool import connect

    conn = await connect(load_settings())
    try:
        await migrate(conn)
        return await store_dif_run(conn, reference, focal, items)
    finally:
        await conn.close()


def cmd_dif(args: argparse.Namespace) -> int:
    if args.from_file is not None:
        text = read_text(args.from_file)
        with named(args.from_file):
            parsed = parse_response_lines(text, with_group=True)
        records = [(r.session_id, r.question_id, r.score) for r in parsed]
        groups = {r.session_id: str(r.group) for r in parsed}
        seen = [str(r.group) for r in parsed]
    else:
        if args.groups is None:
            raise InvalidDifInput("fairness dif needs --groups CSV (or --from-file)")
        csv_text = read_text(args.groups)
        with named(args.groups):
            records, groups, seen = asyncio.run(_stored(csv_text))
    reference, focal = pick_groups(seen, args.reference, args.focal)
    items = mantel_haenszel_dif(records, groups, reference, focal)
    report = dif_json(items, reference, focal)
    store = args.store if args.store is not None else args.from_file is None
    if store:
        report["runId"] = asyncio.run(_store(reference, focal, items))
    print(json.dumps(report, indent=2))
    return 0
