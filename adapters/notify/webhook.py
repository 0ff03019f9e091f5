"""Signed webhooks (aiohttp): POST the event as canonical JSON to ``WEBHOOK_URL``.

Headers on every request:

* ``X-InterviewLM-Signature: t=<unix>,v1=<hex>``: HMAC-SHA256 of ``f"{t}.{body}"``
  under ``WEBHOOK_SECRET`` (see :mod:`adapters.notify.signing`; receivers
  check it with :func:`~adapters.notify.signing.verify_signature`);
* ``X-InterviewLM-Event``: the event type, e.g. ``interview-invited``;
* ``X-InterviewLM-Delivery``: the dedupe key, also the body's ``id``, so a
  receiver can drop a delivery it has already processed.

The body is ``{"id", "type", "data"}`` with the event's contract fields.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import aiohttp

from adapters.notify._http import post_json
from adapters.notify._observe import observe_send
from adapters.notify.models import Delivery
from adapters.notify.signing import SIGNATURE_HEADER, sign
from runtime.settings import Settings

__all__ = ["DELIVERY_HEADER", "EVENT_HEADER", "SIGNATURE_HEADER", "WebhookSender"]

EVENT_HEADER = "X-InterviewLM-Event"
DELIVERY_HEADER = "X-InterviewLM-Delivery"
_CHANNEL = "webhook"


class WebhookSender:
    """Posts webhook deliveries to one endpoint, signed with one secret."""

    channel = _CHANNEL

    def __init__(
        self,
        url: str,
        secret: str | bytes,
        *,
        timeout: float = 10.0,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not url or not secret:
            raise ValueError("a webhook needs both a URL and a signing secret")
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._session = session
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, *, timeout: float = 10.0,
                      session: aiohttp.ClientSession | None = None) -> WebhookSender:
        """A sender for ``WEBHOOK_URL`` and ``WEBHOOK_SECRET``; ValueError if either is unset."""
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        return cls(settings.webhook_url or "", secret, timeout=timeout, session=session)

    def headers(self, delivery: Delivery, body: bytes) -> dict[str, str]:
        """Event, delivery and signature headers for ``body``, signed at the current time."""
        return {
            EVENT_HEADER: delivery.event_type,
            DELIVERY_HEADER: delivery.dedupe_key,
            SIGNATURE_HEADER: sign(self._secret, int(self._clock()), body),
        }

    async def send(self, delivery: Delivery) -> None:
        """POST ``delivery`` (a webhook delivery); raise a delivery error on failure."""
        async with observe_send(_CHANNEL, delivery.event_type):
            body = delivery.json().encode()
            await post_json(_CHANNEL, self._url, body, self.headers(delivery, body),
                            timeout=self._timeout, session=self._session)
