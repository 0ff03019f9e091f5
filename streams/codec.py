"""JSON codec for the wire contract, with a size limit and precise errors.

Decoding also refuses (or, in the recording's text, repairs) every value
PostgreSQL would refuse later (:mod:`streams.storable`), so a message that
decodes can always be stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from pydantic import ValidationError

from streams.bullmq import Headers, normalise
from streams.errors import (
    InvalidEvent,
    MalformedMessage,
    MessageTooLarge,
    UnknownEventType,
    UnstorableValue,
)
from streams.events import EVENT_MODELS, Event
from streams.storable import Repair, parse, repair_text
from streams.topics import TOPIC_EVENT_TYPES

__all__ = ["DEFAULT_MAX_BYTES", "Decoded", "decode", "decode_message", "decode_normalised",
           "encode", "session_key"]

DEFAULT_MAX_BYTES = 1_000_000
#: Pydantic error types that mean "valid, but not storable" (reason ``unstorable``).
_UNSTORABLE_ERRORS = frozenset({"timestamp_out_of_range", "id_too_long"})


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded message, as an envelope, and the JSON text to store for it.

    ``body`` is the message itself when it was an envelope (the same object), else its
    normalised envelope as JSON (see :func:`decode_normalised`); text repairs are not
    applied to it, so a re-published message is the one received. ``payload`` is what
    the recording stores: the message text as received unless it was normalised or
    repaired, then the (repaired) envelope; ``repairs`` says which fields changed.
    """

    event: Event
    body: bytes
    payload: str
    repairs: tuple[Repair, ...] = ()


def decode(raw: bytes, *, topic: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
           headers: Headers = ()) -> Event:
    """Parse and validate one message; raise a ``ContractError`` saying what is wrong.

    ``topic`` restricts the accepted types to the ones that topic carries. BullMQ
    shapes (a job, or ``data`` with a ``type`` header) are normalised to the
    envelope first (:func:`streams.bullmq.normalise`).
    """
    return decode_message(raw, topic=topic, max_bytes=max_bytes, headers=headers).event


def decode_normalised(raw: bytes, *, topic: str | None = None,
                      max_bytes: int = DEFAULT_MAX_BYTES,
                      headers: Headers = ()) -> tuple[Event, bytes]:
    """:func:`decode`, plus the message as an envelope: ``raw`` itself when it already
    was one, else the normalised envelope as JSON (what is stored and re-published, so
    a retried or re-keyed job no longer depends on its original headers)."""
    decoded = decode_message(raw, topic=topic, max_bytes=max_bytes, headers=headers)
    return decoded.event, decoded.body


def decode_message(raw: bytes, *, topic: str | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES, headers: Headers = ()) -> Decoded:
    """:func:`decode_normalised`, also giving the JSON text to store and any repairs."""
    if len(raw) > max_bytes:
        raise MessageTooLarge(f"message is {len(raw)} bytes, over the {max_bytes}-byte limit")
    obj, text = parse(raw)
    envelope = normalise(obj, headers)
    normalised = envelope is not obj
    event_type = _checked_type(envelope, topic)
    body = json.dumps(envelope).encode() if normalised else raw
    try:
        # A normalised envelope holds values the text never showed (headers, a job's
        # data string parsed apart): check all of it.
        repairs = repair_text(envelope, None if normalised else text, event_type)
    except UnstorableValue as exc:
        exc.event_type = event_type
        raise
    event = _validate(envelope, event_type)
    if normalised or repairs:
        text = json.dumps(envelope, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Decoded(event, body, text, repairs)


def _checked_type(obj: dict[str, Any], topic: str | None) -> str:
    """The event type, known and carried by ``topic``, with ``data`` an object."""
    event_type = obj.get("type")
    if not isinstance(event_type, str):
        raise MalformedMessage('"type" must be a string naming the event type (or send a '
                               'BullMQ job {"name", "data"}, or data with a "type" header)')
    allowed = TOPIC_EVENT_TYPES.get(topic) if topic else None
    model = EVENT_MODELS.get(event_type)
    if model is None or (allowed is not None and event_type not in allowed):
        where = f" on topic {topic!r}" if topic else ""
        raise UnknownEventType(f"unknown event type {event_type!r}{where}", event_type=event_type)
    if not isinstance(obj.get("data"), dict):
        raise MalformedMessage('"data" must be a JSON object', event_type=event_type)
    return event_type


def _validate(obj: dict[str, Any], event_type: str) -> Event:
    try:
        return cast(Event, EVENT_MODELS[event_type].model_validate(obj))
    except ValidationError as exc:
        raise _invalid(exc, event_type) from None


def _invalid(exc: ValidationError, event_type: str) -> InvalidEvent:
    """Turn pydantic's errors into one message naming each failing field."""
    parts: list[str] = []
    fields: list[str] = []
    unstorable = False
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"])
        fields.append(field)
        parts.append(f"{field}: {err['msg']}")
        unstorable = unstorable or err["type"] in _UNSTORABLE_ERRORS
    kind = UnstorableValue if unstorable else InvalidEvent
    return kind(
        f"invalid {event_type} event: " + "; ".join(parts),
        event_type=event_type,
        fields=tuple(fields),
    )


def encode(event: Event) -> bytes:
    """Serialise an event in the platform's camelCase shape (optional Nones dropped)."""
    return event.model_dump_json(by_alias=True, exclude_none=True).encode()


def session_key(event: Event) -> bytes:
    """The Kafka key: always the session id, so a session stays on one partition."""
    return event.data.session_id.encode()
