"""Per-session state kept in the changelog-backed Faust table, and its metrics view.

The value is stored as bytes: a 4-byte length, a small JSON header, then the packed
float64 log-posterior over the theta grid (never a JSON list of floats, which would be
large and slow to parse on every event). State values are immutable; every update makes
a new one, because a value mutated in place writes nothing to the changelog.

The state is bounded: counters, the latest test run, at most a few remembered AI
responses (hashes only), at most ``max_failing_names`` test names, and one entry per
struggle indicator. Nothing grows with the number of events.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field, fields
from typing import Any

from assess.indicators import (
    AiUsage,
    RunTrack,
    StruggleTrack,
    ai_dependency,
    dependency_signals,
    failure_rate,
)
from assess.indicators.records import copy_record

__all__ = ["SessionState", "decode_state", "encode_state", "metrics_row"]

_HEADER = struct.Struct("<I")  # length of the JSON part in bytes
#: How many recent event keys a session remembers for content de-duplication.
RECENT_KEYS = 128
_setattr = object.__setattr__  # evolve writes only to its own, not yet shared copy
_GROUPS: dict[str, type[Any]] = {"usage": AiUsage, "runs": RunTrack, "struggle": StruggleTrack}


@dataclass(frozen=True, slots=True)
class SessionState:
    """What the interview agent knows about one session.

    ``applied`` maps ``"topic:partition"`` to the last applied input offset, so a
    redelivered event (at or below it) is recognised and skipped. Times are ISO-8601
    strings (``*_at``) or epoch seconds (``question_started``). ``theta`` and ``se`` are
    the EAP estimate and posterior SD in logits (None before the posterior exists);
    ``difficulty`` is the current 1-10 level. ``at_bound`` is True while the
    posterior has mass at the edge of its grid (see :func:`assess.irt.eap`).
    """

    session_id: str
    applied: dict[str, int] = field(default_factory=dict)
    event_counts: dict[str, int] = field(default_factory=dict)
    events_applied: int = 0
    candidate_id: str | None = None
    question_id: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    last_event_at: str | None = None
    log_posterior: bytes = b""
    #: ``Grid.spec`` of the grid ``log_posterior`` was computed on; None in states
    #: written before it was recorded (those are on the legacy 61-node [-4, 4] grid).
    posterior_grid: tuple[float, ...] | None = None
    #: Item-bank version this session reads item parameters from, pinned when the
    #: session is first seen so that a bank calibrated mid-interview applies to new
    #: sessions only; None when no versioned bank was available.
    bank_version: int | None = None
    theta: float | None = None
    se: float | None = None
    estimate_stable: bool = False
    at_bound: bool = False
    difficulty: int | None = None
    recommended_difficulty: int | None = None
    question_started: float | None = None
    questions_answered: int = 0
    scored_responses: int = 0
    correct: int = 0
    incorrect: int = 0
    score_sum: float = 0.0
    response_time_sum: float = 0.0
    usage: AiUsage = field(default_factory=AiUsage)
    runs: RunTrack = field(default_factory=RunTrack)
    struggle: StruggleTrack = field(default_factory=StruggleTrack)
    #: Keys (producer eventId or content digest) of the newest applied events, so an
    #: event the platform publishes twice, at a new offset, is still recognised.
    recent_keys: tuple[str, ...] = ()

    def is_duplicate(self, topic: str, partition: int, offset: int) -> bool:
        """True when this input position was already applied to the state."""
        last = self.applied.get(f"{topic}:{partition}")
        return last is not None and offset <= last

    def seen(self, event_key: str) -> bool:
        """True when an event with this key was among the recently applied ones."""
        return event_key in self.recent_keys

    def remember(self, event_key: str, keep: int = RECENT_KEYS) -> SessionState:
        """A copy that remembers ``event_key`` (bounded: the oldest keys drop out)."""
        return self.evolve(recent_keys=self.keys_with(event_key, keep))

    def keys_with(self, event_key: str, keep: int = RECENT_KEYS) -> tuple[str, ...]:
        """``recent_keys`` after remembering ``event_key``; lets the reducer fold the
        key into the one copy it makes per event instead of copying the state twice."""
        return (*self.recent_keys, event_key)[-keep:]

    def evolve(self, **changes: Any) -> SessionState:
        """A copy with ``changes`` applied (the original is untouched).

        Same result as ``dataclasses.replace`` at a fraction of the cost (a copier
        compiled once, no ``__init__``; see :mod:`assess.indicators.records`): the
        reducer calls this once per event. An unknown field name raises
        ``AttributeError`` (the class has ``__slots__``).
        """
        new = copy_record(self)
        for name, value in changes.items():
            _setattr(new, name, value)
        return new

    @property
    def avg_response_time(self) -> float | None:
        """Mean ``timeSpent`` per answered question, seconds."""
        if not self.questions_answered:
            return None
        return self.response_time_sum / self.questions_answered


def _tuples(value: Any) -> Any:
    """JSON arrays back to tuples (the state never holds lists)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def encode_state(state: SessionState) -> bytes:
    """Serialise to ``len(json) | json | packed posterior`` (byte-stable: sorted keys)."""
    header = {name: getattr(state, name) for name in _HEADER_FIELDS}
    for name, group in _GROUP_FIELDS.items():
        value = header[name]
        header[name] = {key: getattr(value, key) for key in group}
    body = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    return _HEADER.pack(len(body)) + body + state.log_posterior


def decode_state(raw: bytes) -> SessionState:
    """Inverse of :func:`encode_state`. Unknown header keys are ignored and missing ones
    take their defaults, so states written by older or newer workers still load."""
    (length,) = _HEADER.unpack_from(raw)
    header = json.loads(raw[_HEADER.size : _HEADER.size + length])
    values: dict[str, Any] = {}
    for name, value in header.items():
        if name not in _HEADER_FIELDS:
            continue
        group = _GROUP_FIELDS.get(name)
        if group is not None:
            kept = {key: _tuples(v) for key, v in value.items() if key in group}
            value = _GROUPS[name](**kept)
        elif isinstance(value, list):
            value = _tuples(value)
        values[name] = value
    return SessionState(log_posterior=bytes(raw[_HEADER.size + length :]), **values)


_STATE_FIELDS = tuple(f.name for f in fields(SessionState))
_HEADER_FIELDS = frozenset(_STATE_FIELDS) - {"log_posterior"}
_GROUP_FIELDS = {name: tuple(f.name for f in fields(cls)) for name, cls in _GROUPS.items()}


def metrics_row(state: SessionState) -> dict[str, Any]:
    """The session's metrics for ``session_metrics`` (never shown to candidates).

    theta and se in logits; avg_prompt_quality 1-5; ai_dependency 0-100;
    avg_response_time seconds; test_failure_rate and ai_code_change_share 0-1.
    """
    usage, runs = state.usage, state.runs
    signals = dependency_signals(usage, state.questions_answered, runs.runs)
    fired = state.struggle.fired
    return {
        "theta": state.theta,
        "se": state.se,
        "questions_answered": state.questions_answered,
        "correct": state.correct,
        "incorrect": state.incorrect,
        "ai_interactions": usage.interactions,
        "avg_prompt_quality": usage.avg_prompt_quality,
        "ai_dependency": ai_dependency(signals),
        "struggle_indicators": [name for name, *_ in fired],
        "avg_response_time": state.avg_response_time,
        "test_failure_rate": failure_rate(runs),
        "current_difficulty": state.difficulty,
        "recommended_difficulty": state.recommended_difficulty,
        "estimate_stable": state.estimate_stable,
        "bank_version": state.bank_version,
        "indicator_details": {
            name: {"first_at": at, "event_id": event_id, "detail": detail}
            for name, at, event_id, detail in fired
        },
        "ai_code_change_share": usage.ai_code_share,
        "test_runs": runs.runs,
        "events_applied": state.events_applied,
    }
