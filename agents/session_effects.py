"""Turn the reducer's effects into database rows and follow-up messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from adapters.db.interview_repo import InterviewWrites
from agents.messages import OutMessage
from runtime.logs import get_logger
from runtime.metrics import SESSION_THETA
from streams.codec import encode, session_key
from streams.events import AdjustDifficulty, Analyze, Event
from streams.topics import EVALUATION, INTERVIEW, TopicNames
from tables.reducer import (
    EstimateStable,
    IndicatorFired,
    Position,
    PublishAdjustDifficulty,
    RequestEvaluation,
    ThetaPoint,
)

__all__ = ["effect_rows", "follow_up_messages", "log_milestones"]

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
        log.info(event_type.replace("-", "_"), session_id)  # one style: snake_case events
    for effect in effects:
        if isinstance(effect, PublishAdjustDifficulty):
            log.info("difficulty_adjusted", session_id, new_difficulty=effect.new_difficulty,
                     previous_difficulty=effect.previous_difficulty)
        elif isinstance(effect, IndicatorFired):
            log.info("struggle_indicator", session_id, indicator=effect.name)
        elif isinstance(effect, EstimateStable):
            log.info("estimate_stable", session_id)


def follow_up_messages(effects: Iterable[Any], position: Position,
                       names: TopicNames) -> list[OutMessage]:
    """Commands for other agents, built from the contract's models (so they are valid
    by construction); ``eventId`` is derived from the input position so a redelivered
    input produces an identical, recognisable follow-up."""
    out: list[OutMessage] = []
    for effect in effects:
        if isinstance(effect, PublishAdjustDifficulty):
            event: Event = AdjustDifficulty.model_validate({
                "type": "adjust-difficulty", "eventId": _event_id("adjust-difficulty", position),
                "data": {"sessionId": effect.session_id, "timestamp": effect.timestamp,
                         "newDifficulty": effect.new_difficulty, "irtTheta": effect.theta,
                         "irtSe": effect.se, "confidenceLow": effect.low,
                         "confidenceHigh": effect.high,
                         "previousDifficulty": effect.previous_difficulty,
                         "reason": effect.reason}})
            out.append(OutMessage(names(INTERVIEW), session_key(event), encode(event)))
        elif isinstance(effect, RequestEvaluation):
            event = Analyze.model_validate({
                "type": "analyze", "eventId": _event_id("analyze", position),
                "data": {"sessionId": effect.session_id, "timestamp": effect.timestamp,
                         "candidateId": effect.candidate_id, "priority": 1}})
            out.append(OutMessage(names(EVALUATION), session_key(event), encode(event)))
    return out


def _event_id(event_type: str, position: Position) -> str:
    return f"{event_type}:{position.event_id}"
