"""Slack incoming webhooks (aiohttp): POST ``{"text", "blocks"}`` to the configured URL.

The URL itself is the credential (anyone holding it can post to the channel),
so it lives in a ``SecretStr`` setting and never appears in errors or logs.
Slack answers 200 ``ok`` on success, 4xx for a bad payload or a revoked or
archived channel (permanent), and 429 when rate-limited (transient).
"""

from __future__ import annotations

import aiohttp

from adapters.notify._http import post_json
from adapters.notify._observe import observe_send
from adapters.notify.models import Delivery
from runtime.settings import Settings

__all__ = ["SlackSender"]

_CHANNEL = "slack"


class SlackSender:
    """Posts Slack deliveries to one incoming-webhook URL."""

    channel = _CHANNEL

    def __init__(self, url: str, *, timeout: float = 10.0,
                 session: aiohttp.ClientSession | None = None) -> None:
        if not url:
            raise ValueError("Slack needs an incoming-webhook URL")
        self._url = url
        self._timeout = timeout
        self._session = session

    def __repr__(self) -> str:
        return "SlackSender(url=<redacted>)"

    @classmethod
    def from_settings(cls, settings: Settings, *, timeout: float = 10.0,
                      session: aiohttp.ClientSession | None = None) -> SlackSender:
        """A sender for ``SLACK_WEBHOOK_URL``; ValueError when it is unset."""
        url = settings.slack_webhook_url.get_secret_value() if settings.slack_webhook_url else ""
        return cls(url, timeout=timeout, session=session)

    async def send(self, delivery: Delivery) -> None:
        """POST ``delivery`` (a Slack delivery); raise a delivery error on failure."""
        async with observe_send(_CHANNEL, delivery.event_type):
            body = delivery.json().encode()
            await post_json(_CHANNEL, self._url, body, {}, timeout=self._timeout,
                            session=self._session)
