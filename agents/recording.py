"""The recording's rows: one per interview event applied, keyed so a redelivery adds none.

The key is the producer's ``eventId`` when it has one, else a digest of the message
bytes, so neither a redelivery nor the platform publishing an event twice adds a row.
A payload whose text was repaired at decode (NULs or lone surrogates, which PostgreSQL
cannot store) keeps the list of repairs and the message bytes as received.
"""

from __future__ import annotations

import hashlib
import json

from adapters.db.interview_repo import EventRow
from agents.messages import RawMessage
from runtime.metrics import PAYLOAD_REPAIRS
from streams.codec import Decoded
from streams.events import Event
from streams.topics import source_topic

__all__ = ["event_key", "event_row"]


def event_key(event: Event, msg: RawMessage) -> str:
    """The producer's ``eventId`` when given, else a digest of the message bytes."""
    if event.event_id:
        return f"id:{event.event_id}"
    return "sha1:" + hashlib.sha1(msg.value, usedforsecurity=False).hexdigest()


def event_row(key: str, msg: RawMessage, event: Event, decoded: Decoded,
              received: bytes) -> EventRow:
    """The recording's row; a repaired payload keeps its repairs and the bytes received."""
    if not decoded.repairs:
        return EventRow(key, msg.topic, msg.partition, msg.offset, event.data.session_id,
                        event.type, event.data.timestamp, decoded.payload)
    for repair in decoded.repairs:
        PAYLOAD_REPAIRS.labels(source_topic(msg.topic), repair.kind).inc()
    repairs = json.dumps([r.as_json() for r in decoded.repairs])
    return EventRow(key, msg.topic, msg.partition, msg.offset, event.data.session_id,
                    event.type, event.data.timestamp, decoded.payload, repairs, received)


