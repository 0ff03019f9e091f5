"""Notification channels: e-mail (SMTP), signed webhooks and Slack. I/O adapters only.

Usage, for one decoded ``notification`` event::

    senders = build_senders(settings)                   # once per worker
    for delivery in plan_deliveries(event_type, data, settings):
        if await already_sent(delivery.dedupe_key):     # caller's PostgreSQL table
            continue
        await senders[delivery.channel].send(delivery)  # raises on failure
        await record_sent(delivery.dedupe_key)

``plan_deliveries`` is pure; each ``send`` raises :class:`TransientDeliveryError`
(retry later) or :class:`PermanentDeliveryError` (give up), see
:mod:`adapters.notify.errors`, and counts its outcome in
``interviewlm_notifications_total{channel, outcome}``.
"""

from __future__ import annotations

from adapters.notify.email_sender import EmailSender, check_address
from adapters.notify.errors import (
    InvalidNotification,
    NotificationError,
    PermanentDeliveryError,
    TransientDeliveryError,
)
from adapters.notify.models import CHANNELS, Channel, Delivery, EmailContent, JsonPayload
from adapters.notify.plan import (
    EVENT_TYPES,
    configured_channels,
    dedupe_key,
    normalise_event,
    plan_deliveries,
)
from adapters.notify.senders import HttpSession, Sender, build_senders, open_http_session
from adapters.notify.signing import SIGNATURE_HEADER, sign, verify_signature
from adapters.notify.slack import SlackSender
from adapters.notify.webhook import DELIVERY_HEADER, EVENT_HEADER, WebhookSender

__all__ = [
    "CHANNELS",
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "Channel",
    "Delivery",
    "EmailContent",
    "EmailSender",
    "HttpSession",
    "InvalidNotification",
    "JsonPayload",
    "NotificationError",
    "PermanentDeliveryError",
    "Sender",
    "SlackSender",
    "TransientDeliveryError",
    "WebhookSender",
    "build_senders",
    "check_address",
    "configured_channels",
    "dedupe_key",
    "normalise_event",
    "open_http_session",
    "plan_deliveries",
    "sign",
    "verify_signature",
]
