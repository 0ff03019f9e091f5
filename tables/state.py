"""Per-session state kept in the changelog-backed Faust table.

The value is stored as bytes: a small JSON header followed by the packed
float64 log-posterior (never a JSON list of floats, which would be large and
slow to parse on every event). State values are immutable; every update makes
a new one, because a value mutated in place writes nothing to the changelog.
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = ["SessionState", "decode_state", "encode_state"]

_HEADER = struct.Struct("<I")  # length of the JSON part in bytes


@dataclass(frozen=True, slots=True)
class SessionState:
    """What the interview agent knows about one session.

    ``applied`` maps ``"topic:partition"`` to the last applied input offset, so a
    redelivered event (at or below it) is recognised and skipped.
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

    def is_duplicate(self, topic: str, partition: int, offset: int) -> bool:
        """True when this input position was already applied to the state."""
        last = self.applied.get(f"{topic}:{partition}")
        return last is not None and offset <= last

    def evolve(self, **changes: Any) -> SessionState:
        return replace(self, **changes)


def encode_state(state: SessionState) -> bytes:
    """Serialise to ``len(json) | json | packed posterior``."""
    header = asdict(state)
    posterior = header.pop("log_posterior")
    body = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    return _HEADER.pack(len(body)) + body + posterior


def decode_state(raw: bytes) -> SessionState:
    """Inverse of :func:`encode_state`."""
    (length,) = _HEADER.unpack_from(raw)
    header = json.loads(raw[_HEADER.size : _HEADER.size + length])
    posterior = bytes(raw[_HEADER.size + length :])
    return SessionState(log_posterior=posterior, **header)
