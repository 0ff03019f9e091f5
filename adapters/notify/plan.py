"""Planning: which channels get what for one ``notification`` event. Pure, no I/O.

=====================  ==============================================  ========  =====
event type             e-mail                                          webhook   Slack
=====================  ==============================================  ========  =====
interview-invited      candidate (``candidateEmail``)                  yes       no
interview-reminder     candidate                                       yes       no
interview-expired      candidate                                       yes       no
evaluation-complete    recruiter (``RECRUITER_EMAIL``, when set)       yes       yes
=====================  ==============================================  ========  =====

A channel is planned only when it is configured: e-mail needs ``SMTP_HOST``,
the webhook needs both ``WEBHOOK_URL`` and ``WEBHOOK_SECRET`` (unsigned webhooks
are never sent), Slack needs ``SLACK_WEBHOOK_URL``.

Dedupe keys are ``<type>:<sessionId>:<channel>:<digest>`` where the digest
covers what makes two events the same notification and, for e-mail, the recipient:
for ``evaluation-complete`` the evaluation id and rubric version only (a re-sent
completion of one evaluation carries a new timestamp, and may carry a re-scored
value, yet is still the same news); for invitations every contract field.
They do not depend on template wording, so deploying new templates never
re-sends an old notification when a Kafka message is redelivered.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.notify.errors import InvalidNotification
from adapters.notify.models import Channel, Delivery, EmailContent, JsonPayload, canonical_json
from adapters.notify.render import (
    format_instant,
    format_score,
    render_email,
    render_slack_evaluation,
)
from runtime.settings import Settings

__all__ = [
    "EVENT_TYPES",
    "INVITATION_TYPES",
    "configured_channels",
    "dedupe_key",
    "normalise_event",
    "plan_deliveries",
]

INVITATION_TYPES = ("interview-invited", "interview-reminder", "interview-expired")
EVENT_TYPES = (*INVITATION_TYPES, "evaluation-complete")


def plan_deliveries(event_type: str, data: Mapping[str, Any], settings: Settings) -> list[Delivery]:
    """Every delivery one notification event calls for, in a fixed channel order.

    Raises :class:`InvalidNotification` for an unknown event type or a missing
    or ill-typed field (the message names the field, never its value).
    """
    fields = normalise_event(event_type, data)
    if event_type == "evaluation-complete":
        return _plan_evaluation(fields, settings)
    return _plan_invitation(event_type, fields, settings)


def configured_channels(settings: Settings) -> frozenset[Channel]:
    """The channels ``settings`` makes usable (a recipient may still be missing for e-mail)."""
    channels: set[Channel] = set()
    if settings.smtp_host:
        channels.add("email")
    secret = settings.webhook_secret
    if settings.webhook_url and secret is not None and secret.get_secret_value():
        channels.add("webhook")
    slack = settings.slack_webhook_url
    if slack is not None and slack.get_secret_value():
        channels.add("slack")
    return frozenset(channels)


def dedupe_key(event_type: str, channel: Channel, fields: Mapping[str, Any],
               recipient: str | None = None) -> str:
    """Stable idempotency key for one channel's delivery of one event."""
    material = {"type": event_type, "channel": channel, "fields": _identity(event_type, fields)}
    if recipient is not None:
        material["recipient"] = recipient.strip().lower()
    digest = hashlib.sha256(canonical_json(material)).hexdigest()[:32]
    return f"{event_type}:{fields['sessionId']}:{channel}:{digest}"


def _identity(event_type: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that identify one notification (see the module docstring)."""
    if event_type == "evaluation-complete":
        return {"evaluationId": fields["evaluationId"],
                "rubricVersion": fields.get("rubricVersion")}
    return dict(fields)


def normalise_event(event_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The event's contract fields, checked and normalised (instants in UTC ISO-8601)."""
    if event_type not in EVENT_TYPES:
        raise InvalidNotification(f"unsupported notification type {event_type!r}")
    if not isinstance(data, Mapping):
        raise InvalidNotification("notification data must be a JSON object")
    fields: dict[str, Any] = {
        "sessionId": _text(data, "sessionId"),
        "timestamp": _instant(data, "timestamp").isoformat(),
    }
    if event_type == "evaluation-complete":
        fields["candidateId"] = _text(data, "candidateId")
        fields["evaluationId"] = _text(data, "evaluationId")
        fields["overallScore"] = _number(data, "overallScore")
        if data.get("rubricVersion") is not None:
            fields["rubricVersion"] = _text(data, "rubricVersion")
    else:
        fields["candidateEmail"] = _text(data, "candidateEmail")
        fields["candidateName"] = _text(data, "candidateName", allow_empty=True)
        fields["inviteLink"] = _link(data, "inviteLink")
        fields["expiresAt"] = _instant(data, "expiresAt").isoformat()
    return fields


def _text(data: Mapping[str, Any], name: str, *, allow_empty: bool = False) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise InvalidNotification(f"field {name} must be a string")
    value = value.strip()
    if not value and not allow_empty:
        raise InvalidNotification(f"field {name} must not be empty")
    if any(ch in value for ch in "\r\n\x00"):
        raise InvalidNotification(f"field {name} must be a single line")
    return value


def _instant(data: Mapping[str, Any], name: str) -> datetime:
    raw = _text(data, name)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidNotification(f"field {name} must be an ISO-8601 instant") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _number(data: Mapping[str, Any], name: str) -> float:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidNotification(f"field {name} must be a finite number")
    return float(value)


def _link(data: Mapping[str, Any], name: str) -> str:
    value = _text(data, name)
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise InvalidNotification(f"field {name} must be an http(s) URL")
    return value


def _webhook(event_type: str, fields: dict[str, Any], settings: Settings) -> list[Delivery]:
    """The signed-webhook delivery, when a URL and a secret are both configured."""
    if "webhook" not in configured_channels(settings):
        return []
    key = dedupe_key(event_type, "webhook", fields)
    body = {"id": key, "type": event_type, "data": fields}
    return [Delivery("webhook", event_type, key, JsonPayload(body=body))]


def _email(event_type: str, fields: dict[str, Any], to: str | None, values: dict[str, str],
           settings: Settings) -> list[Delivery]:
    """The e-mail delivery, when SMTP and a recipient are both configured."""
    if "email" not in configured_channels(settings) or not to:
        return []
    content: EmailContent = render_email(event_type, to, values)
    key = dedupe_key(event_type, "email", fields, recipient=to)
    return [Delivery("email", event_type, key, content)]


def _plan_invitation(event_type: str, fields: dict[str, Any],
                     settings: Settings) -> list[Delivery]:
    values = {
        "candidate_name": fields["candidateName"] or "there",
        "invite_link": fields["inviteLink"],
        "expires_at": format_instant(datetime.fromisoformat(fields["expiresAt"])),
    }
    to = fields["candidateEmail"]
    return [*_email(event_type, fields, to, values, settings),
            *_webhook(event_type, fields, settings)]


def _plan_evaluation(fields: dict[str, Any], settings: Settings) -> list[Delivery]:
    event_type = "evaluation-complete"
    values = {
        "candidate_id": fields["candidateId"],
        "evaluation_id": fields["evaluationId"],
        "session_id": fields["sessionId"],
        "overall_score": format_score(fields["overallScore"]),
        "completed_at": format_instant(datetime.fromisoformat(fields["timestamp"])),
    }
    deliveries = [*_email(event_type, fields, settings.recruiter_email, values, settings),
                  *_webhook(event_type, fields, settings)]
    if "slack" in configured_channels(settings):
        key = dedupe_key(event_type, "slack", fields)
        deliveries.append(Delivery("slack", event_type, key, render_slack_evaluation(values)))
    return deliveries
