"""The sender interface and a factory that builds one sender per configured channel.

A caller plans deliveries with :func:`~adapters.notify.plan.plan_deliveries`,
skips those whose dedupe key it has already recorded, and hands each remaining
delivery to ``senders[delivery.channel].send(delivery)``.
"""

from __future__ import annotations

from typing import Protocol, TypeAlias

import aiohttp

from adapters.notify.email_sender import EmailSender
from adapters.notify.models import Channel, Delivery
from adapters.notify.plan import configured_channels
from adapters.notify.slack import SlackSender
from adapters.notify.webhook import WebhookSender
from runtime.settings import Settings

__all__ = ["HttpSession", "Sender", "build_senders", "open_http_session"]

#: One HTTP connection pool, shared by the webhook and Slack senders.
HttpSession: TypeAlias = aiohttp.ClientSession


def open_http_session() -> HttpSession:
    """A new shared HTTP session for :func:`build_senders`; the caller closes it."""
    return aiohttp.ClientSession()


class Sender(Protocol):
    """Anything that can deliver one planned :class:`Delivery`."""

    async def send(self, delivery: Delivery) -> None:
        """Deliver, or raise TransientDeliveryError / PermanentDeliveryError."""
        ...


def build_senders(settings: Settings, *, session: HttpSession | None = None,
                  timeout: float = 10.0) -> dict[Channel, Sender]:
    """One sender per channel that ``settings`` configures (the same rule planning uses).

    ``session`` is shared by the HTTP senders when given; the caller closes it.
    """
    channels = configured_channels(settings)
    senders: dict[Channel, Sender] = {}
    if "email" in channels:
        senders["email"] = EmailSender.from_settings(settings, timeout=max(timeout, 30.0))
    if "webhook" in channels:
        senders["webhook"] = WebhookSender.from_settings(settings, timeout=timeout,
                                                         session=session)
    if "slack" in channels:
        senders["slack"] = SlackSender.from_settings(settings, timeout=timeout, session=session)
    return senders
