"""Turn the reducer's effects into database rows and follow-up messages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from adapters.db.interview_repo import InterviewWrites
from agents.messages import OutMessage
from runtime.logs import get_logger
from runtime.metrics import SESSION_THETA
from streams.topics import EVALUATION, INTERVIEW, TopicNames
from tables.reducer import (
    EstimateStable,
    IndicatorFired,
    Position,
    PublishAdjustDifficulty,
    RequestEvaluation,
    ThetaPoint,
    metrics_row,
)
from tables.state import SessionState

__all__ = ["effect_rows", "follow_up_messages", "log_milestones", "metrics_for"]

log = get_logger("interview-agent")


def _ts(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def effect_rows(effects: Iterable[Any], writes: InterviewWrites) -> None:
    """Add the rows an event's effects store: theta points and indicator firings."""
    for effect in effects:
        if isinstance(effect, ThetaPoint):
            writes.theta.append((
                effect.session_id, effect.event_id, effect.seq, effect.question_id,
                _ts(effect.timestamp), effect.score, effect.theta, effect.se,
                effect.a, effect.b, effect.c, effect.bank_version,
            ))
            SESSION_THETA.observe(effect.theta)
        elif isinstance(effect, IndicatorFired):
            writes.indicators.append((effect.session_id, effect.name, _ts(effect.first_at),
                                      effect.event_id, effect.detail or ""))


def log_milestones(effects: Iterable[Any], event_type: str, session_id: str) -> None:
    """One log line per session milestone (never per event, never candidate text)."""
    if event_type in ("session-started", "session-complete"):
        log.info(event_type, session_id)
    for effect in effects:
        if isinstance(effect, PublishAdjustDifficulty):
            log.info("adjust-difficulty", session_id, new_difficulty=effect.new_difficulty,
                     previous_difficulty=effect.previous_difficulty)
        elif isinstance(effect, IndicatorFired):
            log.info("struggle-indicator", session_id, indicator=effect.name)
        elif isinstance(effect, EstimateStable):
            log.info("estimate-stable", session_id)


def follow_up_messages(effects: Iterable[Any], position: Position,
                       names: TopicNames) -> list[OutMessage]:
    """Commands for other agents; ``eventId`` is derived from the input position so a
    redelivered input produces an identical, recognisable follow-up."""
    out: list[OutMessage] = []
    for effect in effects:
        if isinstance(effect, PublishAdjustDifficulty):
            data = {
                "sessionId": effect.session_id, "timestamp": _iso(effect.timestamp),
                "newDifficulty": effect.new_difficulty, "irtTheta": effect.theta,
                "irtSe": effect.se, "confidenceLow": effect.low, "confidenceHigh": effect.high,
                "previousDifficulty": effect.previous_difficulty, "reason": effect.reason,
            }
            out.append(_message(names(INTERVIEW), "adjust-difficulty", data, position))
        elif isinstance(effect, RequestEvaluation):
            data = {"sessionId": effect.session_id, "timestamp": _iso(effect.timestamp),
                    "candidateId": effect.candidate_id, "priority": 1}
            out.append(_message(names(EVALUATION), "analyze", data, position))
    return out


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _message(topic: str, event_type: str, data: dict[str, Any], pos: Position) -> OutMessage:
    body = {"type": event_type, "eventId": f"{event_type}:{pos.event_id}", "data": data}
    return OutMessage(topic, data["sessionId"].encode(), json.dumps(body).encode())


def metrics_for(state: SessionState) -> dict[str, Any]:
    """The ``session_metrics`` row for a state (the reducer's fields plus bookkeeping)."""
    row = dict(metrics_row(state))
    row.update(
        session_id=state.session_id,
        candidate_id=state.candidate_id,
        event_counts=state.event_counts,
        events_applied=state.events_applied,
        started_at=state.started_at,
        completed_at=state.completed_at,
    )
    details = dict(row.get("details") or {})
    for key in ("indicator_details", "ai_code_change_share", "test_runs"):
        if key in row:
            details[key] = row.pop(key)
    row["details"] = details
    return row
