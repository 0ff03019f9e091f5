"""JSON codec for the wire contract, with a size limit and precise errors."""

from __future__ import annotations

import json
from typing import Any, cast

from pydantic import ValidationError

from streams.bullmq import Headers, normalise
from streams.errors import InvalidEvent, MalformedMessage, MessageTooLarge, UnknownEventType
from streams.events import EVENT_MODELS, Event
from streams.topics import TOPIC_EVENT_TYPES

__all__ = ["DEFAULT_MAX_BYTES", "decode", "decode_normalised", "encode", "session_key"]

DEFAULT_MAX_BYTES = 1_000_000


def decode(raw: bytes, *, topic: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
           headers: Headers = ()) -> Event:
    """Parse and validate one message; raise a ``ContractError`` saying what is wrong.

    ``topic`` restricts the accepted types to the ones that topic carries. BullMQ
    shapes (a job, or ``data`` with a ``type`` header) are normalised to the
    envelope first (:func:`streams.bullmq.normalise`).
    """
    return decode_normalised(raw, topic=topic, max_bytes=max_bytes, headers=headers)[0]


def decode_normalised(raw: bytes, *, topic: str | None = None,
                      max_bytes: int = DEFAULT_MAX_BYTES,
                      headers: Headers = ()) -> tuple[Event, bytes]:
    """:func:`decode`, plus the message as an envelope: ``raw`` itself when it already
    was one, else the normalised envelope as JSON (what is stored and re-published, so
    a retried or re-keyed job no longer depends on its original headers)."""
    if len(raw) > max_bytes:
        raise MessageTooLarge(f"message is {len(raw)} bytes, over the {max_bytes}-byte limit")
    obj = _parse_json(raw)
    envelope = normalise(obj, headers)
    event = _validate(envelope, topic)
    return event, raw if envelope is obj else json.dumps(envelope).encode()


def _validate(obj: dict[str, Any], topic: str | None) -> Event:
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
    try:
        return cast(Event, model.model_validate(obj))
    except ValidationError as exc:
        raise _invalid(exc, event_type) from None


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedMessage(f"not valid UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise MalformedMessage("JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise MalformedMessage('message must be a JSON object {"type", "data"} (or a BullMQ '
                               'job {"name", "data", "opts"})')
    return obj


def _invalid(exc: ValidationError, event_type: str) -> InvalidEvent:
    """Turn pydantic's errors into one message naming each failing field."""
    parts: list[str] = []
    fields: list[str] = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"])
        fields.append(field)
        parts.append(f"{field}: {err['msg']}")
    return InvalidEvent(
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
