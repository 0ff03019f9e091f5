"""Notification delivery claims in ``internal.notification_deliveries``: send each one once.

A delivery's dedupe key moves through these states::

    (no row) ──claim──▶ sending ──mark_sent──▶ sent      (never claimed again: skipped)
                          │  ▲
                  release │  │ claim (a retry)
                          ▼  │
                         failed

A worker *claims* a key before sending: the claim inserts the row as
``sending``, or takes over a ``failed`` row, or a ``sending`` row older than
``stale_after`` seconds (its worker died mid-send). A key that is ``sent``, or
``sending`` under a fresh claim, is not handed out. So two workers (or a main and
a retry agent) holding the same notification never both send it.

Each claim increments ``attempts``, which doubles as a fencing token: a release
only applies while the row still carries the caller's claim, so a slow worker
whose claim was taken over cannot reset the new owner's ``sending`` state.
Timestamps are PostgreSQL's ``now()``, so worker clocks never matter.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import asyncpg

__all__ = ["Claim", "ClaimState", "DeliveriesRepo"]


class ClaimState(enum.Enum):
    """The outcome of :meth:`DeliveriesRepo.claim`."""

    CLAIMED = "claimed"  # ours to send now
    SENT = "sent"  # already delivered: skip it
    BUSY = "busy"  # another worker is sending it right now: try again later


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim outcome; ``token`` (the row's attempt count) identifies our claim."""

    state: ClaimState
    token: int = 0


_CLAIM = """
INSERT INTO internal.notification_deliveries AS d
    (dedupe_key, channel, event_type, status, attempts, updated_at)
VALUES ($1, $2, $3, 'sending', 1, now())
ON CONFLICT (dedupe_key) DO UPDATE
    SET status = 'sending', attempts = d.attempts + 1, updated_at = now()
    WHERE d.status = 'failed'
       OR (d.status = 'sending' AND d.updated_at < now() - make_interval(secs => $4))
RETURNING d.attempts
"""

_STATUS = "SELECT status FROM internal.notification_deliveries WHERE dedupe_key = $1"

_MARK_SENT = """
UPDATE internal.notification_deliveries
   SET status = 'sent', updated_at = now()
 WHERE dedupe_key = $1 AND status <> 'sent'
"""

_RELEASE = """
UPDATE internal.notification_deliveries
   SET status = 'failed', updated_at = now()
 WHERE dedupe_key = $1 AND status = 'sending' AND attempts = $2
"""


class DeliveriesRepo:
    """Claims, completes and releases delivery keys; takes a pool or a connection."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self.db = db

    async def claim(self, dedupe_key: str, channel: str, event_type: str,
                    stale_after: float) -> Claim:
        """Claim ``dedupe_key`` for sending (see the module docstring for the rules).

        ``stale_after`` is in seconds; it must exceed the longest a send can take.
        """
        token = await self.db.fetchval(_CLAIM, dedupe_key, channel, event_type,
                                       float(stale_after))
        if token is not None:
            return Claim(ClaimState.CLAIMED, int(token))
        status = await self.db.fetchval(_STATUS, dedupe_key)
        return Claim(ClaimState.SENT if status == "sent" else ClaimState.BUSY)

    async def mark_sent(self, dedupe_key: str) -> None:
        """Record a successful send; the key is skipped from now on.

        Applies whoever holds the claim: a delivery that went out is sent, full stop.
        """
        await self.db.execute(_MARK_SENT, dedupe_key)

    async def release(self, dedupe_key: str, token: int) -> bool:
        """Mark our claim ``failed`` so a retry can claim it again; False if no longer ours."""
        result = await self.db.execute(_RELEASE, dedupe_key, token)
        return str(result).split()[-1] != "0"

    async def status(self, dedupe_key: str) -> str | None:
        """The key's status (``sending``, ``sent``, ``failed``), or None when never claimed."""
        value = await self.db.fetchval(_STATUS, dedupe_key)
        return str(value) if value is not None else None
