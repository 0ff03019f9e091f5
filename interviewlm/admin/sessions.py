"""One session for the board: its events in order, theta path, indicators, evaluation.

Read-only queries over what the interview and evaluation agents stored. Event
payloads go through :mod:`.redact` (numbers, ids and enums stay; candidate text
goes); the evaluation's evidence keeps its descriptions, times and positions but
not its code snippets. Failed jobs are this consumer group's only.
"""

from __future__ import annotations

import json
from typing import Any

from interviewlm.admin.jobs import _COLUMNS, connection, job_row
from interviewlm.admin.pages import SessionEvent, SessionView, ThetaRow
from interviewlm.admin.redact import SHOWN_KEYS, redact_error
from runtime.settings import Settings

__all__ = ["MAX_EVENTS", "load_session"]

#: The session page lists at most this many events (a session has tens to hundreds).
MAX_EVENTS = 2000
_HIDDEN = ("sessionId", "candidateId", "timestamp")


def _event_fields(payload: Any) -> dict[str, Any]:
    """The event's ``data`` without text: numbers, booleans and allowlisted strings."""
    data = payload.get("data", {}) if isinstance(payload, dict) else {}
    shown: dict[str, Any] = {}
    for key, value in data.items():
        if key in _HIDDEN:
            continue
        if isinstance(value, (bool, int, float)) or value is None:
            shown[key] = value
        elif isinstance(value, str):
            shown[key] = value if key in SHOWN_KEYS else f"{len(value)} characters"
        elif isinstance(value, (list, dict)):
            shown[key] = f"{len(value)} item(s)"
    return shown


def _evaluation(row: Any) -> dict[str, Any] | None:
    """The stored result with each evidence item's snippet replaced by its length."""
    if row is None:
        return None
    result = json.loads(row["result"]) if isinstance(row["result"], str) else row["result"]
    for dimension in result.get("dimensions", {}).values():
        for item in dimension.get("evidence", []):
            snippet = item.pop("snippet", None)
            item["snippet_chars"] = len(snippet) if snippet else 0
            item["description"] = redact_error(str(item.get("description") or ""))
    return {"evaluation_id": row["evaluation_id"], "mode": row["mode"], **result}


def _metrics(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    metrics = dict(row)
    for key in ("struggle_indicators", "event_counts", "details"):
        if isinstance(metrics.get(key), str):
            metrics[key] = json.loads(metrics[key])
    return metrics


async def load_session(settings: Settings, session_id: str) -> SessionView:
    """Everything stored for ``session_id`` (empty lists where nothing is)."""
    async with connection(settings) as conn:
        metrics = await conn.fetchrow(
            "SELECT theta, se, questions_answered, correct, incorrect, ai_interactions,"
            " avg_prompt_quality, ai_dependency, struggle_indicators, test_failure_rate,"
            " current_difficulty, recommended_difficulty, estimate_stable, event_counts,"
            " events_applied, started_at, completed_at, updated_at"
            " FROM internal.session_metrics WHERE session_id = $1", session_id)
        events = await conn.fetch(
            "SELECT partition, \"offset\", event_type, event_ts, payload"
            " FROM internal.session_events WHERE session_id = $1"
            " ORDER BY partition, \"offset\", event_ts LIMIT $2", session_id, MAX_EVENTS)
        theta = await conn.fetch(
            "SELECT seq, event_ts, theta, se, question_id, score"
            " FROM internal.theta_trajectory WHERE session_id = $1 ORDER BY seq", session_id)
        indicators = await conn.fetch(
            "SELECT name, first_at, event_id, detail FROM internal.session_indicators"
            " WHERE session_id = $1 ORDER BY first_at", session_id)
        evaluation = await conn.fetchrow(
            "SELECT evaluation_id, mode, result FROM internal.evaluations"
            " WHERE session_id = $1 ORDER BY created_at DESC LIMIT 1", session_id)
        failed = await conn.fetch(
            f"SELECT {_COLUMNS} FROM internal.failed_jobs WHERE consumer_group = $1"
            " AND session_id = $2 ORDER BY last_failed_at DESC LIMIT 50",
            settings.app_id, session_id)
    return SessionView(
        session_id=session_id, metrics=_metrics(metrics),
        events=[SessionEvent(int(e["partition"]), int(e["offset"]), e["event_type"],
                             e["event_ts"], _event_fields(_json(e["payload"])))
                for e in events],
        theta=[ThetaRow(int(t["seq"]), t["event_ts"], float(t["theta"]), float(t["se"]),
                        t["question_id"], t["score"]) for t in theta],
        indicators=[{**dict(i), "detail": redact_error(i["detail"] or "")}
                    for i in indicators],
        evaluation=_evaluation(evaluation), failed_jobs=[job_row(r) for r in failed])


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
