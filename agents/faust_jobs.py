"""Faust wiring shared by job workers: a main agent and a retry agent per worker."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import faust

from agents.batching import consume_in_batches
from agents.commit_guard import commit_guard
from agents.faust_support import FaustOutbox, raw_messages, record_batch_metrics
from agents.jobs import JobRunner
from runtime.settings import Settings
from streams.topics import retry_topic

__all__ = ["register_job_agents"]

#: Builds the topic's runner from the outbox; called once, when the first agent starts
#: (after the app's resources service opened its connections).
RunnerFactory = Callable[[FaustOutbox], JobRunner]


def register_job_agents(app: faust.App, settings: Settings, name: str, topics: list[str],
                        factory: RunnerFactory, batch: int = 50, *, agent: str) -> list[Any]:
    """``name`` consumes ``topics`` (base names) and, in a second agent, their retries;
    metrics carry ``agent`` (the ``--agents`` name) and the prefixed source topic."""
    outbox = FaustOutbox(app)
    shared = functools.cache(lambda: factory(outbox))  # the main and retry agents share it
    agents = []
    for suffix, bases in (("", topics), ("-retry", [retry_topic(t) for t in topics])):
        channel = app.topic(*[settings.topics(t) for t in bases], key_type=bytes,
                            value_type=bytes, key_serializer="raw", value_serializer="raw")

        async def consume(stream: faust.StreamT[bytes],
                          metric_topic: str = settings.topics(topics[0])) -> None:
            runner = shared()

            async def handle(events: Any) -> None:
                started = time.perf_counter()
                result = await runner.process(raw_messages(events))
                record_batch_metrics(agent, metric_topic, result.outcomes, result.dead_letters,
                                     time.perf_counter() - started)

            await consume_in_batches(stream, batch, settings.batch_within_seconds, handle,
                                     settings.shutdown_timeout_seconds, commit_guard(app),
                                     app.consumer)

        agents.append(app.agent(channel, name=f"{name}{suffix}")(consume))
    return agents
