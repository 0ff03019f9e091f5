"""The job detail and session pages as plain data, and the attempt history of a job.

Pure: built by :mod:`.jobs` and :mod:`.sessions` from rows, read by the templates
and the JSON API. Everything that came from a candidate is already redacted here
(:mod:`.redact`), so no template can show it by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from interviewlm.admin.model import FailedJobRow

__all__ = ["Attempt", "JobDetail", "SessionEvent", "SessionView", "ThetaRow",
           "attempt_history"]


@dataclass(frozen=True)
class Attempt:
    """One line of a job's history: when, what happened, and the detail."""

    at: datetime | None
    what: str
    detail: str = ""
    job_id: int | None = None  # another failed job this line links to


@dataclass(frozen=True)
class JobDetail:
    """One failed job with its (redacted) payload, headers, stack and history."""

    job: FailedJobRow
    payload: str
    payload_is_json: bool
    headers: list[tuple[str, str]]
    history: list[Attempt]


@dataclass(frozen=True)
class SessionEvent:
    """One recorded event of a session, in processing order, with its safe fields."""

    partition: int
    offset: int
    event_type: str
    at: datetime
    fields: dict[str, Any]


@dataclass(frozen=True)
class ThetaRow:
    """The ability estimate after one scored response (logit scale)."""

    seq: int
    at: datetime
    theta: float
    se: float
    question_id: str | None
    score: float | None


@dataclass(frozen=True)
class SessionView:
    """Everything stored about one session, for the session page."""

    session_id: str
    metrics: dict[str, Any] | None
    events: list[SessionEvent]
    theta: list[ThetaRow]
    indicators: list[dict[str, Any]]
    evaluation: dict[str, Any] | None
    failed_jobs: list[FailedJobRow] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.metrics or self.events or self.evaluation or self.failed_jobs)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return value if value else None


def attempt_history(job: FailedJobRow, headers: Mapping[str, str],
                    later: list[tuple[int, datetime, str]]) -> list[Attempt]:
    """The job's story, oldest first: where it came from, its attempts, what followed.

    ``headers`` are the dead message's (``x-attempt`` is the attempt that message
    was, ``x-last-error`` the error of the one before, ``x-retry-of-failed-job`` the
    job it republished); ``later`` lists ``(id, failed at, error type)`` of jobs that
    failed again after this one was retried.
    """
    history: list[Attempt] = []
    earlier = _header(headers, "x-retry-of-failed-job")
    if earlier and earlier.isdigit():
        history.append(Attempt(None, f"Republished from failed job {earlier}", "",
                               int(earlier)))
    attempt = _header(headers, "x-attempt")
    if attempt and attempt.isdigit() and int(attempt) > 1:
        last = _header(headers, "x-last-error") or "not recorded"
        history.append(Attempt(job.first_failed_at, f"Attempts 1 to {int(attempt) - 1} failed",
                               f"retried through {job.source_topic}.retry; last error: {last}"))
    reason = f" ({job.reason})" if job.reason else ""
    history.append(Attempt(job.first_failed_at, f"Dead-lettered{reason}",
                           f"{job.error_type}: {job.error_message}; {job.attempts} "
                           f"attempt(s) in all"))
    if job.last_failed_at != job.first_failed_at:
        history.append(Attempt(job.last_failed_at, "Failed again (redelivered)", ""))
    if job.retried_at is not None:
        history.append(Attempt(job.retried_at, f"Republished to {job.source_topic}",
                               "status retried"))
    for job_id, at, error_type in sorted(later, key=lambda item: item[1]):
        history.append(Attempt(at, f"Failed again as job {job_id}", error_type, job_id))
    return history
