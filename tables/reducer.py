"""The pure reducer: ``apply(state, event, position) -> Outcome``.

No Faust, Kafka or database here, so the whole stateful behaviour of the
interview agent can be tested on plain lists of events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streams.events import Event, SessionComplete, SessionStarted
from tables.state import SessionState

__all__ = ["Effect", "Outcome", "Position", "RequestEvaluation", "apply"]


@dataclass(frozen=True, slots=True)
class Position:
    """Where an input event sits in Kafka."""

    topic: str
    partition: int
    offset: int

    @property
    def event_id(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


@dataclass(frozen=True, slots=True)
class RequestEvaluation:
    """Side effect: ask the evaluation agent to score a completed session."""

    session_id: str
    candidate_id: str
    timestamp: str


Effect = RequestEvaluation


@dataclass(frozen=True, slots=True)
class Outcome:
    state: SessionState
    effects: tuple[Any, ...] = ()
    duplicate: bool = False


def apply(state: SessionState | None, event: Event, position: Position) -> Outcome:
    """Fold one event into the session's state; redelivered input changes nothing."""
    data = event.data
    current = state or SessionState(session_id=data.session_id)
    if current.is_duplicate(position.topic, position.partition, position.offset):
        return Outcome(current, duplicate=True)
    counts = dict(current.event_counts)
    counts[event.type] = counts.get(event.type, 0) + 1
    applied = dict(current.applied)
    applied[f"{position.topic}:{position.partition}"] = position.offset
    stamp = data.timestamp.isoformat()
    changes: dict[str, Any] = {
        "event_counts": counts,
        "applied": applied,
        "events_applied": current.events_applied + 1,
        "last_event_at": stamp,
    }
    effects: list[Any] = []
    if isinstance(event, SessionStarted):
        changes.update(
            candidate_id=event.data.candidate_id,
            question_id=event.data.question_id,
            started_at=stamp,
        )
    elif isinstance(event, SessionComplete):
        changes.update(candidate_id=event.data.candidate_id, completed_at=stamp)
        effects.append(RequestEvaluation(data.session_id, event.data.candidate_id, stamp))
    return Outcome(current.evolve(**changes), tuple(effects))
