"""Faust wiring for the notification worker: ``notification`` and its retry topic.

:func:`register_job_agents` gives the worker a main agent and a retry agent;
both share one :class:`~agents.jobs.JobRunner`, made when the first of them starts,
over the app's :class:`~agents.resources.WorkerResources` (the PostgreSQL pool, one
HTTP session for the webhook and Slack senders) and the delivery-claims repository. Jobs run
WORKER_CONCURRENCY sessions at a time; a transient failure is retried
NOTIFICATION_ATTEMPTS times in all, the first retry after
NOTIFICATION_RETRY_INITIAL_SECONDS (2 s), doubling, through
``notification.retry`` so one slow provider never holds up other notifications.
"""

from __future__ import annotations

from typing import Any

import faust

from adapters.db.deliveries_repo import DeliveriesRepo
from adapters.db.failed_jobs import failed_job_recorder
from adapters.notify import build_senders
from agents.faust_jobs import register_job_agents
from agents.faust_support import FaustOutbox
from agents.jobs import JobRunner
from agents.notification import WORKER, NotificationHandler, notification_policy
from agents.resources import WorkerResources, resources_for
from runtime.logs import get_logger
from runtime.settings import Settings
from streams.topics import NOTIFICATION

__all__ = ["register_notification_agent"]

log = get_logger(WORKER)


def _runner(resources: WorkerResources, settings: Settings, outbox: FaustOutbox) -> JobRunner:
    """The runner both agents share, over the app's pool and HTTP session."""
    pool = resources.pool
    senders = build_senders(settings, session=resources.http)
    handler = NotificationHandler(settings, senders, DeliveriesRepo(pool))

    record_failed = failed_job_recorder(pool, settings.app_id)
    policy = notification_policy(settings)
    runner = JobRunner(worker=WORKER, handler=handler, policy=policy, send=outbox.send,
                       record_failed=record_failed, names=settings.topics,
                       lanes=settings.worker_concurrency,
                       max_bytes=settings.max_message_bytes)
    log.info("notification_agent_ready", channels=sorted(senders),
             attempts=policy.attempts, first_retry_seconds=policy.initial_delay)
    return runner


def register_notification_agent(app: faust.App, settings: Settings) -> list[Any]:
    """The ``notification`` job agent and its retry agent, over the app's resources."""
    resources = resources_for(app, settings).need("http")
    return register_job_agents(app, settings, WORKER, [NOTIFICATION],
                               lambda outbox: _runner(resources, settings, outbox),
                               agent="notification")
