"""A session's recording as the domain sees it: plain values, no wire models.

The evaluation and analysis code reads sessions through this type so it never
depends on Kafka, Faust or the database. ``data`` keeps the platform's camelCase
field names exactly as they were sent.

:func:`in_event_order` is the one place that decides the order a recording is
read in: by event timestamp, ties broken by the Kafka position (partition, offset)
the event was applied at. Whatever order a store or a file hands the events over,
scoring sees the same sequence, and :class:`OrderReport` says what did not fit:
events applied in a different order than their timestamps (a producer clock or a
replay problem), and events stamped before the session started or after it ended
(which no timing rule may trust).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["OrderReport", "OrderedRecording", "RecordedEvent", "in_event_order", "position"]

_START = "session-started"
_END = "session-complete"


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """One event of a session.

    ``event_id`` is stable and unique (``topic:partition:offset``), so evidence can
    point at it; ``seq`` is the position within the session (0-based), which
    :func:`in_event_order` rewrites to the position in event-time order.
    """

    event_id: str
    seq: int
    type: str
    timestamp: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrderReport:
    """What did not fit the event-time order; every tuple holds event ids.

    ``out_of_order``: events applied (by Kafka position) before an event with a
    later timestamp. ``before_start`` / ``after_end``: events stamped before the
    ``session-started`` event or after the ``session-complete`` event.
    """

    out_of_order: tuple[str, ...] = ()
    before_start: tuple[str, ...] = ()
    after_end: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """True when nothing was out of place."""
        return not (self.out_of_order or self.before_start or self.after_end)


@dataclass(frozen=True, slots=True)
class OrderedRecording:
    """The events in event-time order (``seq`` renumbered) and what was out of place."""

    events: tuple[RecordedEvent, ...]
    report: OrderReport


def position(event: RecordedEvent) -> tuple[int, int, int]:
    """The event's Kafka position ``(0, partition, offset)`` from its id, else ``(1, 0, seq)``.

    Ids that do not end in ``:<partition>:<offset>`` (hand-made recordings) fall
    back to the position they were handed over in, after every parsed position.
    """
    parts = event.event_id.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return (0, int(parts[1]), int(parts[2]))
    return (1, 0, event.seq)


def in_event_order(events: Sequence[RecordedEvent]) -> OrderedRecording:
    """Sort by (timestamp, Kafka position), renumber ``seq`` and report what was out of place."""
    applied = sorted(events, key=position)
    ordered = sorted(applied, key=lambda e: (e.timestamp, position(e)))
    renumbered = tuple(dataclasses.replace(e, seq=i) if e.seq != i else e
                       for i, e in enumerate(ordered))
    return OrderedRecording(renumbered, OrderReport(
        out_of_order=_out_of_order(applied), before_start=_outside(ordered, _START, early=True),
        after_end=_outside(ordered, _END, early=False)))


def _out_of_order(applied: list[RecordedEvent]) -> tuple[str, ...]:
    """Events whose timestamp is earlier than that of an event applied before them."""
    latest: datetime | None = None
    late: list[str] = []
    for event in applied:
        if latest is not None and event.timestamp < latest:
            late.append(event.event_id)
        else:
            latest = event.timestamp
    return tuple(late)


def _outside(ordered: Sequence[RecordedEvent], anchor: str, *, early: bool) -> tuple[str, ...]:
    """Events stamped before the first ``anchor`` event (early) or after the last one."""
    marks = [e.timestamp for e in ordered if e.type == anchor]
    if not marks:
        return ()
    inside = [e for e in ordered if e.type not in (_START, _END)]  # the anchors stay
    if early:
        return tuple(e.event_id for e in inside if e.timestamp < marks[0])
    return tuple(e.event_id for e in inside if e.timestamp > marks[-1])
