"""In-memory stand-ins for the handler's collaborators: a claims store and scripted senders."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from adapters.db.deliveries_repo import Claim, ClaimState
from adapters.notify import Delivery
from agents.messages import RawMessage
from streams.codec import decode
from streams.events import Event


@dataclass
class MemoryStore:
    """The DeliveriesRepo rules over a dict: ``key -> [status, attempts]`` (no stale clock)."""

    rows: dict[str, list[Any]] = field(default_factory=dict)
    fail_with: BaseException | None = None

    async def claim(self, dedupe_key: str, channel: str, event_type: str,
                    stale_after: float) -> Claim:
        if self.fail_with is not None:
            raise self.fail_with
        row = self.rows.get(dedupe_key)
        if row is None:
            self.rows[dedupe_key] = ["sending", 1]
            return Claim(ClaimState.CLAIMED, 1)
        if row[0] == "failed":
            row[:] = ["sending", row[1] + 1]
            return Claim(ClaimState.CLAIMED, row[1])
        return Claim(ClaimState.SENT if row[0] == "sent" else ClaimState.BUSY)

    async def mark_sent(self, dedupe_key: str) -> None:
        self.rows[dedupe_key][0] = "sent"

    async def release(self, dedupe_key: str, token: int) -> bool:
        row = self.rows[dedupe_key]
        if row == ["sending", token]:
            row[0] = "failed"
            return True
        return False

    def statuses(self) -> dict[str, str]:
        """``channel -> status`` (the channel is the key's third part)."""
        return {key.split(":")[2]: row[0] for key, row in self.rows.items()}


@dataclass
class ScriptedSender:
    """Records every send; raises the scripted errors first (None means succeed)."""

    script: list[BaseException | None] = field(default_factory=list)
    sent: list[Delivery] = field(default_factory=list)
    calls: int = 0
    delay: float = 0.0

    async def send(self, delivery: Delivery) -> None:
        import asyncio

        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        error = self.script.pop(0) if self.script else None
        if error is not None:
            raise error
        self.sent.append(delivery)


def message(event_type: str, data: dict[str, Any], *, offset: int = 0,
            headers: Iterable[tuple[str, bytes]] = ()) -> tuple[Event, RawMessage]:
    """A decoded notification event and the raw message it came in."""
    raw = json.dumps({"type": event_type, "data": data}).encode()
    msg = RawMessage("t.notification", 0, offset, data["sessionId"].encode(), raw,
                     tuple(headers))
    return decode(raw, topic="notification"), msg
