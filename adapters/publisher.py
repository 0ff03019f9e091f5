"""Publisher API for Python callers of the platform: validated events onto Kafka.

The key is always the session id, which keeps a session's events in order on
one partition. Events are validated before they are sent, so a bad call fails
here with a clear error rather than in a worker's dead-letter topic.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from streams.codec import decode, encode, session_key
from streams.events import EVENT_MODELS, Event
from streams.topics import EVALUATION, INTERVIEW, TOPIC_EVENT_TYPES, topic_for_type

__all__ = ["EventPublisher", "build_event", "now_iso"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def build_event(event_type: str, data: dict[str, Any]) -> Event:
    """Validate ``{"type", "data"}`` (camelCase data; timestamp defaults to now)."""
    if event_type not in EVENT_MODELS:
        raise KeyError(f"unknown event type {event_type!r}")
    payload = {"type": event_type, "data": {"timestamp": now_iso(), **data}}
    return decode(_json_bytes(payload))


def _json_bytes(obj: Any) -> bytes:
    import json

    return json.dumps(obj).encode()


class EventPublisher:
    """An async producer for the platform's events (``async with`` or start/stop).

    Topics are named by their base name (``"interview"``) and sent to
    ``topic_prefix + base``, the names the workers read under ``TOPIC_PREFIX``.
    ``client_kwargs`` go to ``AIOKafkaProducer`` (security protocol, SASL, SSL).
    """

    def __init__(self, bootstrap_servers: str, *, topic_prefix: str = "",
                 **client_kwargs: Any) -> None:
        self.topic_prefix = topic_prefix
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_request_size=10_485_760,
            **client_kwargs,
        )

    async def __aenter__(self) -> EventPublisher:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Connect; on failure the producer is closed before the error goes on."""
        try:
            await self._producer.start()
        except BaseException:
            await self._producer.stop()  # else aiokafka warns of an unclosed producer
            raise

    async def stop(self) -> None:
        await self._producer.stop()

    async def publish(self, event: Event, *, topic: str | None = None) -> None:
        """Send one validated event to its topic (or the base name ``topic``), keyed by
        session id; the prefix is added here."""
        priority = getattr(event.data, "priority", 1)
        target = topic or topic_for_type(event.type, priority=priority)
        if event.type not in TOPIC_EVENT_TYPES.get(target, frozenset({event.type})):
            raise ValueError(f"{event.type} events do not belong on topic {target!r}")
        await self._producer.send(self.topic_prefix + target, encode(event),
                                  key=session_key(event))

    async def publish_raw(self, topic: str, key: bytes | None, value: bytes,
                          headers: list[tuple[str, bytes]] | None = None) -> None:
        """Send bytes as they are to the actual topic ``topic`` (no prefix is added):
        dead-letter retries republish the original payload where it came from."""
        await self._producer.send(topic, value, key=key, headers=headers)

    async def flush(self) -> None:
        await self._producer.flush()

    async def publish_interview_event(self, event_type: str, session_id: str,
                                      **data: Any) -> Event:
        """E.g. ``publish_interview_event("test-run", sid, passed=3, failed=1, total=4)``."""
        if event_type not in TOPIC_EVENT_TYPES[INTERVIEW]:
            raise ValueError(f"{event_type!r} is not an interview event")
        event = build_event(event_type, {"sessionId": session_id, **_camel(data)})
        await self.publish(event)
        return event

    async def publish_evaluation_analyze(self, session_id: str, candidate_id: str,
                                         priority: int = 1) -> Event:
        """Ask for a session to be scored; priority >= 8 goes to the urgent lane."""
        event = build_event("analyze", {"sessionId": session_id, "candidateId": candidate_id,
                                        "priority": priority})
        await self.publish(event, topic=topic_for_type("analyze", priority=priority))
        return event

    async def publish_report_request(self, session_id: str, evaluation_id: str,
                                     fmt: str = "html") -> Event:
        event = build_event("generate-report", {"sessionId": session_id,
                                                "evaluationId": evaluation_id, "format": fmt})
        await self.publish(event, topic=EVALUATION)
        return event


def _camel(data: dict[str, Any]) -> dict[str, Any]:
    """Accept snake_case keyword arguments and send the platform's camelCase."""
    out = {}
    for key, value in data.items():
        head, *rest = key.split("_")
        out[head + "".join(p.title() for p in rest)] = value
    return out
