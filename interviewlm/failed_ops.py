"""Failed-job operations shared by the CLI and the admin board.

Destructive and republishing actions work on an explicit :class:`Selection`
(these ids, every job of one topic, or every job) that is first resolved to
the exact ids it names; the caller confirms that list, and only those rows are
then touched. A job that appears between the confirmation and the action is
therefore never deleted or republished by it.

A retry republishes the original payload to its source topic (with a header
naming the failed job) and marks the row retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.db.failed_jobs import FailedJobStore
from adapters.kafka_admin import open_publisher
from runtime.settings import Settings

__all__ = [
    "NoSuchJob",
    "RetryOutcome",
    "Selection",
    "purge_jobs",
    "resolve",
    "retry_jobs",
]

#: "Retry all" and "purge all" act on at most this many jobs per call.
BULK_LIMIT = 10_000


class NoSuchJob(LookupError):
    """Named failed jobs that are not in the store (never printed with quotes)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        names = ", ".join(str(i) for i in ids)
        super().__init__(f"no failed job {names} (list them with: interviewlm failed list)")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Selection:
    """Which failed jobs an action names: ``ids``, or a ``topic``, or ``everything``.

    ``topic`` together with ``everything`` means every job of that topic. Naming
    nothing is an error: an action never falls back to "all".
    """

    ids: tuple[int, ...] = ()
    topic: str | None = None
    everything: bool = False

    def __post_init__(self) -> None:
        if self.ids and (self.topic is not None or self.everything):
            raise ValueError("give job ids, or --topic/--all, not both")
        if not self.ids and self.topic is None and not self.everything:
            raise ValueError("name the jobs: one or more ids, --topic TOPIC, or --all")

    def describe(self, count: int) -> str:
        """``"3 failed job(s): 4, 5, 9"`` / ``"... of topic t.interview"`` / ``"... (all)"``."""
        if self.ids:
            return f"{count} failed job(s): {', '.join(str(i) for i in self.ids)}"
        if self.topic is not None:
            return f"{count} failed job(s) of topic {self.topic}"
        return f"{count} failed job(s) (all)"


async def resolve(store: FailedJobStore, selection: Selection,
                  status: str | None = None) -> list[int]:
    """The exact ids ``selection`` names; unknown explicit ids raise :class:`NoSuchJob`."""
    if selection.ids:
        wanted = sorted(set(selection.ids))
        found = await store.ids(among=wanted)
        missing = sorted(set(wanted) - set(found))
        if missing:
            raise NoSuchJob(missing)
        return found
    found = await store.ids(topic=selection.topic, status=status)
    return found[:BULK_LIMIT]


@dataclass
class RetryOutcome:
    """Ids republished, and the named ids skipped with why (e.g. already retried)."""

    retried: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"retried": self.retried,
                "skipped": [{"id": i, "reason": r} for i, r in sorted(self.skipped.items())]}


async def retry_jobs(settings: Settings, store: FailedJobStore, ids: list[int]) -> RetryOutcome:
    """Republish each job to its source topic; jobs already retried are skipped."""
    outcome = RetryOutcome()
    jobs = []
    for job_id in ids:
        job = await store.get(job_id)
        if job is None:
            outcome.skipped[job_id] = "not found"
        elif job["status"] == "retried":
            outcome.skipped[job_id] = f"already retried at {job['retried_at']}"
        else:
            jobs.append(job)
    if not jobs:
        return outcome
    async with open_publisher(settings) as publisher:
        for job in jobs:
            headers = [("x-retry-of-failed-job", str(job["id"]).encode())]
            await publisher.publish_raw(job["source_topic"], job["message_key"],
                                        bytes(job["payload"]), headers)
            await publisher.flush()
            await store.mark_retried(job["id"])
            outcome.retried.append(int(job["id"]))
    return outcome


async def purge_jobs(store: FailedJobStore, ids: list[int]) -> list[int]:
    """Delete exactly ``ids`` (already resolved and confirmed); the ids deleted."""
    if not ids:
        return []
    return await store.delete(ids)
