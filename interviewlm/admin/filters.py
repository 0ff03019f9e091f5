"""The failed-job search: what an operator filters by, read from a query string.

Pure. Every field is optional; a value that does not parse (a date that is not a
date, a status that does not exist) is dropped and reported, never passed to SQL.
Times are ISO 8601; one without a zone is taken as UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

__all__ = ["STATUSES", "JobFilter", "parse_filter"]

STATUSES = ("failed", "retried")
#: Longest text accepted for a topic, reason or session id (characters).
MAX_TEXT = 200


@dataclass(frozen=True)
class JobFilter:
    """Failed jobs matching every field that is set (times compare ``last_failed_at``)."""

    topic: str | None = None
    reason: str | None = None
    session_id: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self)
                   if f.name != "problems")

    def query(self, **extra: Any) -> str:
        """The query string that gives this filter back (plus ``extra``), for links."""
        pairs = {"topic": self.topic, "reason": self.reason, "session": self.session_id,
                 "status": self.status,
                 "since": self.since.isoformat() if self.since else None,
                 "until": self.until.isoformat() if self.until else None, **extra}
        return urlencode({k: v for k, v in pairs.items() if v not in (None, "")})

    def form_value(self, name: str) -> str:
        """What the search form's field ``name`` shows."""
        value = {"session": self.session_id, "since": self.since,
                 "until": self.until}.get(name, getattr(self, name, None))
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
        return "" if value is None else str(value)


def _text(query: Mapping[str, Any], name: str, problems: list[str]) -> str | None:
    value = str(query.get(name) or "").strip()
    if not value:
        return None
    if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
        problems.append(f"{name}: not a valid value")
        return None
    return value


def _time(query: Mapping[str, Any], name: str, problems: list[str]) -> datetime | None:
    value = str(query.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"{name}: not a date and time (use 2026-01-31T09:00)")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_filter(query: Mapping[str, Any]) -> JobFilter:
    """``?topic=&reason=&session=&status=&since=&until=`` -> a :class:`JobFilter`."""
    problems: list[str] = []
    status = _text(query, "status", problems)
    if status is not None and status not in STATUSES:
        problems.append(f"status: one of {', '.join(STATUSES)}")
        status = None
    since, until = _time(query, "since", problems), _time(query, "until", problems)
    if since and until and since > until:
        problems.append("since is after until")
    return JobFilter(topic=_text(query, "topic", problems),
                     reason=_text(query, "reason", problems),
                     session_id=_text(query, "session", problems), status=status,
                     since=since, until=until, problems=tuple(problems))
