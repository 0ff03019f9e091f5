"""What a planned delivery looks like: a channel, an idempotency key and a rendered payload.

Payloads are rendered in full at planning time so a sender only does I/O, and
so the same event always yields byte-identical payloads. Fields that carry
personal data (addresses, names, links, bodies) are left out of ``repr`` so a
delivery that ends up in a log line or a traceback does not leak them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["CHANNELS", "Channel", "Delivery", "EmailContent", "JsonPayload", "canonical_json"]

Channel = Literal["email", "webhook", "slack"]
CHANNELS: tuple[Channel, ...] = ("email", "webhook", "slack")


def canonical_json(value: Any) -> bytes:
    """Deterministic compact UTF-8 JSON: sorted keys, no spaces.

    Used for webhook bodies (the signature covers these exact bytes) and for
    dedupe-key digests (the same fields must always hash the same).
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


@dataclass(frozen=True, slots=True)
class EmailContent:
    """One e-mail to one recipient, with plain-text and HTML alternatives."""

    to: str = field(repr=False)
    subject: str
    text: str = field(repr=False)
    html: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class JsonPayload:
    """A JSON document to POST (webhook body or Slack message)."""

    body: Mapping[str, Any] = field(repr=False)

    def encode(self) -> bytes:
        """The exact bytes to send (and, for webhooks, to sign)."""
        return canonical_json(self.body)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message for one channel, planned from one notification event.

    ``dedupe_key`` is stable across redeliveries of the same Kafka message: the
    caller records it (in PostgreSQL) once the send succeeded and skips any
    delivery whose key is already recorded.
    """

    channel: Channel
    event_type: str
    dedupe_key: str
    payload: EmailContent | JsonPayload = field(repr=False)

    def email(self) -> EmailContent:
        """The payload as an e-mail; TypeError when this is not an e-mail delivery."""
        if not isinstance(self.payload, EmailContent):
            raise TypeError(f"{self.channel} delivery has no e-mail payload")
        return self.payload

    def json(self) -> JsonPayload:
        """The payload as a JSON document; TypeError for an e-mail delivery."""
        if not isinstance(self.payload, JsonPayload):
            raise TypeError(f"{self.channel} delivery has no JSON payload")
        return self.payload
