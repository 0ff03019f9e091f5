"""The notification worker's job handler: plan, claim, send, record. Each delivery once.

One ``notification`` event (``evaluation-complete``, ``interview-invited``,
``interview-reminder``, ``interview-expired``) becomes one delivery per configured
channel (:func:`adapters.notify.plan_deliveries`), each with its own dedupe key.
For every delivery the handler:

1. claims the key in PostgreSQL (:class:`~adapters.db.deliveries_repo.DeliveriesRepo`);
   a key already ``sent`` is skipped, one being sent elsewhere counts as a transient failure;
2. sends it, bounded by :data:`SEND_TIMEOUT_SECONDS`;
3. marks it ``sent``, or releases the claim (``failed``) so a retry may send it.

Every delivery is attempted even when an earlier one failed. Then, if any failed:
a transient failure among them raises :class:`DeliveriesFailed` (the
:class:`~agents.jobs.JobRunner` re-queues the job on ``notification.retry``, and the
retry resends only the deliveries not yet ``sent``); only permanent failures raise
:class:`DeliveriesRefused` (dead-lettered at once). Error messages and log lines
carry channels, event types and status codes, never an address, name or link.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from adapters.db.deliveries_repo import Claim, ClaimState
from adapters.db.errors import unreachable_as_transient
from adapters.notify import (
    Channel,
    Delivery,
    NotificationError,
    Sender,
    TransientDeliveryError,
    plan_deliveries,
)
from agents.jobs import attempt_of
from agents.messages import OutMessage, RawMessage
from agents.retry import NOTIFICATION_POLICY, RetryPolicy, retry_async
from runtime.errors import PermanentError, TransientError
from runtime.logs import get_logger
from runtime.settings import Settings
from streams.events import Event

__all__ = [
    "SEND_TIMEOUT_SECONDS",
    "WORKER",
    "DeliveriesFailed",
    "DeliveriesRefused",
    "DeliveryStore",
    "NotificationHandler",
    "event_fields",
    "notification_policy",
]

WORKER = "notification-agent"
#: Upper bound on one send (seconds); the stale-claim window must be longer than this.
SEND_TIMEOUT_SECONDS = 30.0
#: Recording a finished send is retried briefly: losing it would mean sending again later.
_RECORD_POLICY = RetryPolicy(attempts=3, initial_delay=0.25)
T = TypeVar("T")
log = get_logger(WORKER)


class DeliveriesFailed(TransientError):
    """Some deliveries failed for reasons that may pass; the job is retried."""


class DeliveriesRefused(PermanentError):
    """Every failed delivery was refused for good; the job is dead-lettered."""


class DeliveryInProgress(TransientError):
    """Another worker holds a fresh claim on this delivery; look again later."""


class DeliveryStore(Protocol):
    """Where dedupe keys are claimed and recorded (``DeliveriesRepo`` in production)."""

    async def claim(self, dedupe_key: str, channel: str, event_type: str,
                    stale_after: float) -> Claim: ...

    async def mark_sent(self, dedupe_key: str) -> None: ...

    async def release(self, dedupe_key: str, token: int) -> bool: ...


def notification_policy(settings: Settings) -> RetryPolicy:
    """NOTIFICATION_POLICY (5 attempts from 2 s, doubling) with the configured overrides."""
    return RetryPolicy(attempts=settings.notification_attempts,
                       initial_delay=settings.notification_retry_initial_seconds,
                       factor=NOTIFICATION_POLICY.factor, max_delay=NOTIFICATION_POLICY.max_delay)


def event_fields(event: Event) -> dict[str, Any]:
    """The event's ``data`` in the platform's camelCase JSON shape, as planning expects."""
    fields: dict[str, Any] = event.data.model_dump(mode="json", by_alias=True)
    return fields


@dataclass
class _Outcome:
    """Which channels were sent, skipped (already sent) or failed, for one event."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, BaseException]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{channel}: {_describe(exc)}" for channel, exc in self.failed]
        total = len(self.sent) + len(self.skipped) + len(self.failed)
        return f"{len(self.failed)} of {total} deliveries failed: " + "; ".join(parts)

    def raise_for_failures(self) -> None:
        """Transient if any failure may pass (the retry resends only those), else permanent."""
        if not self.failed:
            return
        if any(isinstance(exc, TransientError) for _, exc in self.failed):
            raise DeliveriesFailed(self.summary())
        raise DeliveriesRefused(self.summary())


def _describe(exc: BaseException) -> str:
    """Our adapters' messages are safe to store (channel and status only); others are not."""
    if isinstance(exc, NotificationError | DeliveryInProgress | DeliveriesRefused):
        return str(exc)
    return type(exc).__name__


@dataclass
class NotificationHandler:
    """The :class:`~agents.jobs.JobRunner` handler for ``notification`` jobs."""

    settings: Settings
    senders: Mapping[Channel, Sender]
    store: DeliveryStore
    send_timeout: float = SEND_TIMEOUT_SECONDS

    async def __call__(self, event: Event, msg: RawMessage) -> list[OutMessage]:
        deliveries = plan_deliveries(event.type, event_fields(event), self.settings)
        outcome = _Outcome()
        for delivery in deliveries:
            await self._deliver(delivery, outcome)
        self._log(event, msg, outcome)
        outcome.raise_for_failures()
        return []

    async def _deliver(self, delivery: Delivery, outcome: _Outcome) -> None:
        key, channel = delivery.dedupe_key, delivery.channel
        claim = await _db(self.store.claim(key, channel, delivery.event_type,
                                           self.settings.notification_claim_stale_seconds))
        if claim.state is ClaimState.SENT:
            outcome.skipped.append(channel)
            return
        if claim.state is ClaimState.BUSY:
            outcome.failed.append((channel, DeliveryInProgress(
                f"{channel} delivery is being sent by another worker")))
            return
        try:
            await self._send(delivery)
        except Exception as exc:  # every failure releases the claim; the kind decides the job
            await _db(self.store.release(key, claim.token))
            outcome.failed.append((channel, exc))
            return
        await retry_async(lambda: _db(self.store.mark_sent(key)), _RECORD_POLICY)
        outcome.sent.append(channel)

    async def _send(self, delivery: Delivery) -> None:
        sender = self.senders.get(delivery.channel)
        if sender is None:
            raise DeliveriesRefused(f"no {delivery.channel} sender is configured")
        try:
            await asyncio.wait_for(sender.send(delivery), self.send_timeout)
        except TimeoutError:
            raise TransientDeliveryError(f"{delivery.channel} send timed out",
                                         channel=delivery.channel) from None

    def _log(self, event: Event, msg: RawMessage, outcome: _Outcome) -> None:
        fields = {"type": event.type, "attempt": attempt_of(msg), "sent": outcome.sent,
                  "skipped": outcome.skipped,
                  "failed": {c: type(e).__name__ for c, e in outcome.failed}}
        if outcome.failed:
            log.warning("notification_deliveries_failed", event.data.session_id, **fields)
        else:
            log.info("notification_delivered", event.data.session_id, **fields)


async def _db(call: Awaitable[T]) -> T:
    """Await a store call; a lost or refused connection becomes a TransientError.

    The translation is the db adapter's (:mod:`adapters.db.errors`), applied here too
    so any :class:`DeliveryStore` gets the same treatment.
    """
    with unreachable_as_transient(keep_cause=False):
        return await call
