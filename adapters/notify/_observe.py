"""One place that counts and logs every send, so the senders cannot disagree.

Each send increments ``interviewlm_notifications_total{channel, outcome}`` and
writes one log line. The line carries the channel, the event type and the
outcome only: no address, name, link, URL or error text, since any of those
may be personal data or a credential.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.notify.errors import PermanentDeliveryError, TransientDeliveryError
from runtime.metrics import NOTIFICATIONS

__all__ = ["OUTCOMES", "logger", "observe_send"]

logger = logging.getLogger("adapters.notify")

#: Values of the ``outcome`` label: delivered, retry later, gave up, bug in the adapter.
OUTCOMES = ("sent", "transient_error", "permanent_error", "error")


def _record(channel: str, event_type: str, outcome: str, level: int) -> None:
    NOTIFICATIONS.labels(channel=channel, outcome=outcome).inc()
    logger.log(
        level,
        "notification %s via %s",
        outcome,
        channel,
        extra={"event": "notification",
               "fields": {"channel": channel, "type": event_type, "outcome": outcome}},
    )


@asynccontextmanager
async def observe_send(channel: str, event_type: str) -> AsyncIterator[None]:
    """Count and log the outcome of the send inside the ``async with`` block.

    Exceptions pass through unchanged; cancellation is not counted (the send
    neither succeeded nor failed, and will be attempted again).
    """
    try:
        yield
    except TransientDeliveryError:
        _record(channel, event_type, "transient_error", logging.WARNING)
        raise
    except PermanentDeliveryError:
        _record(channel, event_type, "permanent_error", logging.ERROR)
        raise
    except Exception:
        _record(channel, event_type, "error", logging.ERROR)
        raise
    _record(channel, event_type, "sent", logging.INFO)
