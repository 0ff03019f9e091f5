"""Analyst commands: score a recording file, the fairness report, stored reports.

``evaluate --recording FILE`` scores one session's events (the platform's
``[{"type", "data"}, ...]``) exactly as the evaluation agent would, and prints
the evaluation JSON; nothing is stored. The interview signals (theta, prompt
quality, AI dependency) come from folding the events through the interview
agent's own reducer. Without ``--offline`` and with ANTHROPIC_API_KEY set, the
LLM review runs in realtime.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from assess.evaluation import InterviewSignals
from assess.recording import RecordedEvent
from interviewlm.commands.dif import add_dif_arguments, cmd_dif
from runtime.settings import Settings, load_settings
from streams.codec import decode
from streams.errors import ContractError
from streams.events import Event

__all__ = ["add_commands", "recording_from_messages", "signals_from_events", "summary"]


def add_commands(sub: Any) -> None:
    ev = sub.add_parser("evaluate", help="score one session's events from a JSON file "
                        "(prints the evaluation; stores nothing)")
    ev.add_argument("--recording", type=Path, required=True,
                    help='JSON array of {"type", "data"} events of one completed session')
    ev.add_argument("--offline", action="store_true",
                    help="deterministic methods only, even when ANTHROPIC_API_KEY is set")
    ev.add_argument("--format", choices=["json", "text"], default="json",
                    help="json: the whole evaluation (default); text: per dimension its "
                         "score, confidence, status, methods and what was missing, then flags")
    ev.set_defaults(handler=cmd_evaluate)

    fair = sub.add_parser("fairness", help="adverse-impact report over stored evaluations; "
                          "dif: Mantel-Haenszel DIF per question")
    fair.add_argument("action", choices=["report", "dif"])
    fair.add_argument("--groups", type=Path, help="CSV with columns candidateId,group")
    add_dif_arguments(fair)
    fair.add_argument("--threshold", type=float, default=70.0,
                      help="overall score counted as selected (default 70)")
    fair.add_argument("--rubric-version", help="default: RUBRIC_VERSION")
    fair.set_defaults(handler=cmd_fairness)

    report = sub.add_parser("report", help="print a stored evaluation report")
    report.add_argument("action", choices=["show"])
    report.add_argument("evaluation_id")
    report.add_argument("--format", choices=["json", "html", "pdf"], default="html")
    report.set_defaults(handler=cmd_report)


def _decoded(events: list[dict[str, Any]]) -> list[Event]:
    out = []
    for index, raw in enumerate(events):
        try:
            out.append(decode(json.dumps(raw).encode()))
        except ContractError as exc:
            raise ValueError(f"event {index} of the recording: {exc}") from None
    return out


def recording_from_messages(events: list[dict[str, Any]]) -> list[RecordedEvent]:
    """Validated events as a recording; ids are ``recording:0:<index>``."""
    return [RecordedEvent(f"recording:0:{i}", i, event.type, event.data.timestamp,
                          dict(raw["data"]))
            for i, (raw, event) in enumerate(zip(events, _decoded(events), strict=True))]


def signals_from_events(events: list[dict[str, Any]]) -> InterviewSignals:
    """The interview agent's signals for these events, from its own reducer."""
    from tables.reducer import Position, apply
    from tables.state import metrics_row

    state = None
    for offset, event in enumerate(_decoded(events)):
        state = apply(state, event, Position("recording", 0, offset)).state
    if state is None:
        return InterviewSignals()
    row = metrics_row(state)
    return InterviewSignals(theta=row["theta"], se=row["se"],
                            avg_prompt_quality=row["avg_prompt_quality"],
                            ai_dependency=row["ai_dependency"])


def cmd_evaluate(args: argparse.Namespace) -> int:
    from interviewlm.commands.data import read_events
    from interviewlm.commands.inputs import named, read_text

    text = read_text(args.recording)
    with named(args.recording):
        events = read_events(text)
        _decoded(events)
    result = asyncio.run(_evaluate(load_settings(), events, offline=args.offline))
    print(summary(result) if args.format == "text" else json.dumps(result, indent=2))
    return 0


def summary(result: dict[str, Any]) -> str:
    """The evaluation as a reader checks it: per dimension score, confidence, methods, gaps."""
    review = "yes" if result["needsReview"] else "no"
    lines = [f"session {result['sessionId']}: overall {result['overallScore']:.1f}/100, "
             f"confidence {result['overallConfidence']:.2f}, mode {result['mode']}, "
             f"needs review: {review}", "",
             f"{'dimension':18s} {'weight':>6s} {'score':>6s} {'conf':>5s}  "
             f"{'status':22s} methods"]
    for name, dim in result["dimensions"].items():
        methods = ", ".join(f"{m} {dim['breakdown'][m]:.1f}" for m in dim["methods"]) or "none"
        lines.append(f"{name:18s} {dim['weight']:6.0%} {dim['score']:6.1f} "
                     f"{dim['confidence']:5.2f}  {dim['status']:22s} {methods}")
        lines.extend(f"{'':20s}missing: {gap}" for gap in dim["missing"])
    if result["flags"]:
        lines += ["", "flags:"]
        lines += [f"  {f['code']}" + (f" [{f['dimension']}]" if f["dimension"] else "")
                  + f": {f['reason']}" for f in result["flags"]]
    return "\n".join(lines)


async def _evaluate(settings: Settings, events: list[dict[str, Any]], *,
                    offline: bool) -> dict[str, Any]:
    from adapters.llm import LLMClient
    from agents.evaluation_service import (
        Review,
        realtime_review,
        redact_terms,
        rubric_from,
        score,
        static_analysis,
    )

    recording = recording_from_messages(events)
    signals = signals_from_events(events)
    rubric = rubric_from(settings)
    static = await static_analysis(recording)
    review = Review("offline")
    if not (offline or settings.offline):
        async with LLMClient(settings) as client:
            review = await realtime_review(client, recording, rubric, settings)
    scored = score(recording, rubric=rubric, signals=signals, static=static, review=review,
                   redact=redact_terms(recording))
    return {**scored.result, "usage": scored.usage}


def cmd_fairness(args: argparse.Namespace) -> int:
    if args.action == "dif":
        return cmd_dif(args)
    from assess.fairness import fairness_report, load_group_labels
    from interviewlm.commands.inputs import named, read_text

    settings = load_settings()
    groups = None
    if args.groups:  # read before the database, so a bad file fails at once
        text = read_text(args.groups)
        with named(args.groups):
            groups = load_group_labels(text)
    scores = asyncio.run(_final_scores(settings, args.rubric_version or settings.rubric_version))
    labels = groups if groups is not None else dict.fromkeys(scores, "all")
    report = fairness_report(scores, labels, threshold=args.threshold)
    print(json.dumps({"rubricVersion": args.rubric_version or settings.rubric_version,
                      "evaluations": len(scores), **report.to_dict()}, indent=2))
    return 0


async def _final_scores(settings: Settings, rubric_version: str) -> dict[str, float]:
    from adapters.db.evaluations_repo import EvaluationsRepo

    pool = await _pool(settings)
    try:
        return await EvaluationsRepo(pool).final_scores(rubric_version)
    finally:
        await pool.close()


async def _pool(settings: Settings) -> Any:
    from adapters.db.migrate import migrate
    from adapters.db.pool import create_pool

    pool = await create_pool(settings.model_copy(update={"db_pool_min": 1, "db_pool_max": 2}))
    async with pool.acquire() as conn:
        await migrate(conn)
    return pool


def cmd_report(args: argparse.Namespace) -> int:
    content = asyncio.run(_report(load_settings(), args.evaluation_id, args.format))
    sys.stdout.buffer.write(content)
    sys.stdout.flush()
    return 0


async def _report(settings: Settings, evaluation_id: str, fmt: str) -> bytes:
    """The stored report; built from the stored evaluation (and stored) if there is none."""
    from adapters.db.evaluations_repo import EvaluationsRepo
    from adapters.reports import load_report_data, render_report

    pool = await _pool(settings)
    try:
        repo = EvaluationsRepo(pool)
        content = await repo.report(evaluation_id, fmt)
        if content is None:
            data = await load_report_data(repo, evaluation_id)
            if data is None:
                raise ValueError(f"no evaluation {evaluation_id} is stored")
            content = render_report(data, fmt)
            await repo.store_report(evaluation_id, fmt, content)
        return content
    finally:
        await pool.close()
