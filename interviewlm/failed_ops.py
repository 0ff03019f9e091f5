"""Failed-job operations shared by the CLI and the admin board.

A retry republishes the original payload to its source topic (with a header
naming the failed job) and marks the row retried.
"""

from __future__ import annotations

from typing import Any

from adapters.db.failed_jobs import FailedJobStore
from adapters.db.pool import connect
from adapters.kafka_admin import client_kwargs
from runtime.settings import Settings
from streams.publisher import EventPublisher

__all__ = ["retry_jobs", "run_failed_command"]


async def retry_jobs(settings: Settings, store: FailedJobStore, ids: list[int]) -> list[int]:
    """Republish each job to its source topic; returns the ids retried."""
    done: list[int] = []
    async with EventPublisher(settings.kafka_bootstrap_servers,
                              **client_kwargs(settings)) as publisher:
        for job_id in ids:
            job = await store.get(job_id)
            if job is None or job["status"] == "retried":
                continue
            headers = [("x-retry-of-failed-job", str(job_id).encode())]
            await publisher.publish_raw(job["source_topic"], job["message_key"],
                                        bytes(job["payload"]), headers)
            await publisher.flush()
            await store.mark_retried(job_id)
            done.append(job_id)
    return done


async def run_failed_command(settings: Settings, action: str, *, job_id: int | None = None,
                             retry_all: bool = False, topic: str | None = None,
                             limit: int = 50) -> Any:
    conn = await connect(settings)
    try:
        store = FailedJobStore(conn)
        if action == "list":
            return await store.list(topic=topic, limit=limit)
        if action == "show":
            job = await store.get(_need(job_id))
            if job is None:
                raise KeyError(f"no failed job {job_id}")
            job["payload"] = bytes(job["payload"]).decode(errors="replace")
            job["message_key"] = (bytes(job["message_key"]).decode(errors="replace")
                                  if job["message_key"] else None)
            return job
        if action == "retry":
            if retry_all:
                ids = [j["id"] for j in await store.list(topic=topic, status="failed",
                                                         limit=10_000)]
            else:
                ids = [_need(job_id)]
            return {"retried": await retry_jobs(settings, store, ids)}
        return {"purged": await store.purge(topic=topic)}
    finally:
        await conn.close()


def _need(job_id: int | None) -> int:
    if job_id is None:
        raise ValueError("give a job id, or --all")
    return job_id
