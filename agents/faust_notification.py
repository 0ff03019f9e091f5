"""Faust wiring for the notification worker: ``notification`` and its retry topic.

:func:`register_job_agents` gives the worker a main agent and a retry agent;
both share one :class:`~agents.jobs.JobRunner`, built on first use inside the
worker's event loop with a PostgreSQL pool (migrated), one HTTP session for
the webhook and Slack senders, and the delivery-claims repository. Jobs run
WORKER_CONCURRENCY sessions at a time; a transient failure is retried
NOTIFICATION_ATTEMPTS times in all, the first retry after
NOTIFICATION_RETRY_INITIAL_SECONDS (2 s), doubling, through
``notification.retry`` so one slow provider never holds up other notifications.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import faust

from adapters.db.deliveries_repo import DeliveriesRepo
from adapters.db.failed_jobs import failed_job_recorder
from adapters.db.migrate import migrate
from adapters.db.pool import Pool, create_pool
from adapters.notify import HttpSession, build_senders, open_http_session
from agents.faust_jobs import register_job_agents
from agents.faust_support import FaustOutbox
from agents.jobs import JobRunner
from agents.notification import WORKER, NotificationHandler, notification_policy
from runtime.logs import get_logger
from runtime.settings import Settings
from streams.topics import NOTIFICATION

__all__ = ["register_notification_agent"]

log = get_logger(WORKER)


@dataclass
class _Built:
    pool: Pool
    http: HttpSession
    runner: JobRunner


class _Resources:
    """The pool, HTTP session and runner, created once and closed on shutdown."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = asyncio.Lock()
        self._built: _Built | None = None

    async def runner(self, outbox: FaustOutbox) -> JobRunner:
        async with self._lock:
            if self._built is None:
                self._built = await self._build(outbox)
            return self._built.runner

    async def _build(self, outbox: FaustOutbox) -> _Built:
        settings = self.settings
        pool = await create_pool(settings)
        async with pool.acquire() as conn:
            await migrate(conn)
        http = open_http_session()
        senders = build_senders(settings, session=http)
        handler = NotificationHandler(settings, senders, DeliveriesRepo(pool))

        record_failed = failed_job_recorder(pool)
        policy = notification_policy(settings)
        runner = JobRunner(worker=WORKER, handler=handler, policy=policy, send=outbox.send,
                           record_failed=record_failed, names=settings.topics,
                           lanes=settings.worker_concurrency,
                           max_bytes=settings.max_message_bytes)
        log.info("notification_agent_ready", channels=sorted(senders),
                 attempts=policy.attempts, first_retry_seconds=policy.initial_delay)
        return _Built(pool, http, runner)

    async def close(self) -> None:
        if self._built is not None:
            built, self._built = self._built, None
            await built.http.close()
            await built.pool.close()


def register_notification_agent(app: faust.App, settings: Settings) -> list[Any]:
    """The ``notification`` job agent and its retry agent; resources close on shutdown."""
    resources = _Resources(settings)
    agents = register_job_agents(app, settings, WORKER, [NOTIFICATION], resources.runner,
                                 agent="notification")

    async def close(sender: Any, **_: Any) -> None:
        await resources.close()

    app.on_before_shutdown.connect(close)
    return agents
