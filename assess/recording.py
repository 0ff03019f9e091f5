"""A session's recording as the domain sees it: plain values, no wire models.

The evaluation and analysis code reads sessions through this type so it never
depends on Kafka, Faust or the database. ``data`` keeps the platform's camelCase
field names exactly as they were sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["RecordedEvent"]


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """One event of a session, in the order it was applied.

    ``event_id`` is stable and unique (``topic:partition:offset``), so evidence can
    point at it; ``seq`` is the position within the session (0-based).
    """

    event_id: str
    seq: int
    type: str
    timestamp: datetime
    data: Mapping[str, Any] = field(default_factory=dict)
