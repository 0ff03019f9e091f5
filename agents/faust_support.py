"""Small adapters shared by the Faust agents."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

import faust

from agents.messages import DeadLetter, OutMessage, RawMessage
from runtime.metrics import DEAD_LETTERS, EVENTS_PROCESSED, PROCESSING_DURATION
from streams.topics import source_topic

__all__ = ["FaustOutbox", "finish_batch", "raw_messages", "record_batch_metrics"]

T = TypeVar("T")


async def finish_batch(work: Awaitable[T], bound: float = 30.0) -> T:
    """Run a batch to the end even if the agent is cancelled meanwhile.

    Faust's ``take_events`` acknowledges the buffered events in a ``finally``
    block, so cancelling the agent halfway through a batch (which is how Faust
    stops agents on shutdown) would acknowledge events that were never stored.
    Shielding the batch and waiting for it (up to ``bound`` seconds) before
    letting the cancellation through keeps "acknowledged" meaning "stored".
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait({task}, timeout=bound)
        raise


def raw_messages(events: Sequence[Any]) -> list[RawMessage]:
    """Faust events (raw serializers) -> :class:`RawMessage` with their positions."""
    out = []
    for event in events:
        msg = event.message
        headers = msg.headers.items() if isinstance(msg.headers, dict) else (msg.headers or ())
        out.append(RawMessage(msg.topic, msg.partition, msg.offset, msg.key,
                              msg.value if msg.value is not None else b"",
                              tuple((k, bytes(v or b"")) for k, v in headers)))
    return out


class FaustOutbox:
    """Produce through the app's producer, so commits wait for these sends."""

    def __init__(self, app: faust.App) -> None:
        self.app = app
        self._topics: dict[str, Any] = {}

    def _topic(self, name: str) -> Any:
        if name not in self._topics:
            self._topics[name] = self.app.topic(name, key_serializer="raw",
                                                value_serializer="raw")
        return self._topics[name]

    async def send(self, out: OutMessage) -> None:
        await self._topic(out.topic).send(key=out.key, value=out.value,
                                          headers=list(out.headers) or None)


def record_batch_metrics(agent: str, topic: str, outcomes: dict[tuple[str, str], int],
                         dead_letters: Sequence[DeadLetter], seconds: float) -> None:
    """``agent`` is the name ``--agents`` takes; ``topic`` the actual (prefixed) source
    topic, the same name dead letters, retries and consumer lag are labelled with."""
    PROCESSING_DURATION.labels(agent).observe(seconds)
    for (event_type, outcome), n in outcomes.items():
        EVENTS_PROCESSED.labels(topic, event_type, outcome).inc(n)
    for letter in dead_letters:
        DEAD_LETTERS.labels(source_topic(letter.message.topic), letter.reason).inc()
