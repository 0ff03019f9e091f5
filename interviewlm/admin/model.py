"""What the admin board shows, as plain data: built by the I/O modules, read by
the renderer and the JSON API.

Keeping these as frozen dataclasses with a ``to_json`` each means the HTML page
and ``/admin/api/*`` are two views of one value, so a test that checks the API
also checks what the page was rendered from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "FailedJobRow",
    "JobPage",
    "MemberView",
    "PartitionView",
    "TopicView",
    "WorkerView",
]


@dataclass(frozen=True)
class PartitionView:
    """One partition: retained offsets, and the group's position when it reads it."""

    partition: int
    beginning: int
    end: int
    committed: int | None
    lag: int | None  # None: the group does not consume this topic

    @property
    def messages(self) -> int:
        return self.end - self.beginning

    def to_json(self) -> dict[str, Any]:
        return {"partition": self.partition, "beginning": self.beginning, "end": self.end,
                "messages": self.messages, "committed": self.committed, "lag": self.lag}


@dataclass(frozen=True)
class TopicView:
    """One topic: source, retry, dead-letter or changelog, and its partitions."""

    name: str
    kind: str
    exists: bool
    partitions: list[PartitionView] = field(default_factory=list)

    @property
    def messages(self) -> int:
        return sum(p.messages for p in self.partitions)

    @property
    def lag(self) -> int | None:
        lags = [p.lag for p in self.partitions if p.lag is not None]
        return sum(lags) if lags else None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "exists": self.exists,
                "messages": self.messages, "lag": self.lag,
                "partitions": [p.to_json() for p in self.partitions]}


@dataclass(frozen=True)
class MemberView:
    """One consumer-group member and the partitions the group assigned to it."""

    member_id: str
    client_id: str
    host: str
    url: str | None
    actives: dict[str, list[int]]
    standbys: dict[str, list[int]]

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "client_id": self.client_id, "host": self.host,
                "url": self.url, "actives": self.actives, "standbys": self.standbys}


@dataclass(frozen=True)
class WorkerView:
    """The group as the brokers see it, and this worker as it sees itself."""

    group: str
    state: str
    members: list[MemberView]
    assigned: dict[str, list[int]]
    recovery_complete: bool
    rebalancing: bool
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "state": self.state,
                "members": [m.to_json() for m in self.members], "assigned": self.assigned,
                "recovery_complete": self.recovery_complete, "rebalancing": self.rebalancing,
                "error": self.error}


@dataclass(frozen=True)
class FailedJobRow:
    """One row of ``internal.failed_jobs`` as the board lists it."""

    id: int
    worker: str
    source_topic: str
    partition: int
    offset: int
    error_type: str
    error_message: str
    stack_trace: str
    attempts: int
    status: str
    first_failed_at: datetime
    last_failed_at: datetime
    retried_at: datetime | None
    reason: str = ""
    session_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {"id": self.id, "worker": self.worker, "source_topic": self.source_topic,
                "reason": self.reason, "session_id": self.session_id,
                "partition": self.partition, "offset": self.offset,
                "error_type": self.error_type, "error_message": self.error_message,
                "stack_trace": self.stack_trace, "attempts": self.attempts,
                "status": self.status, "first_failed_at": iso(self.first_failed_at),
                "last_failed_at": iso(self.last_failed_at), "retried_at": iso(self.retried_at)}


@dataclass(frozen=True)
class JobPage:
    """One page of failed jobs, newest first."""

    jobs: list[FailedJobRow]
    page: int
    per_page: int
    total: int
    failed: int  # rows still in status "failed" (what "retry all" would republish)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page, "per_page": self.per_page, "total": self.total,
                "pages": self.pages, "failed": self.failed,
                "jobs": [j.to_json() for j in self.jobs]}
