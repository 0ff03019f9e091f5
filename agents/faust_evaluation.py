"""Faust wiring for the evaluation agent: two job lanes and the LLM batch timer.

``evaluation`` and ``evaluation-urgent`` each get their own job agents (plus
their retry agents) through :func:`register_job_agents`, so urgent work has its
own consumer stream and is never queued behind a backlog on ``evaluation``.
Each lane runs at most EVALUATION_CONCURRENCY evaluations at once (lanes in the
JobRunner, and a semaphore shared by a topic's main and retry agents) and
retries transient failures 5 times (EVALUATION_POLICY) before dead-lettering.

The database pool, the LLM client and the :class:`Evaluator` are built once, on
first use, and shared by every agent and the batch timer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import faust

from adapters.db.evaluations_repo import EvaluationsRepo
from adapters.db.failed_jobs import failed_job_recorder
from adapters.db.migrate import migrate
from adapters.db.pool import Pool, create_pool
from adapters.llm import LLMClient
from agents.evaluation import WORKER, EvaluationHandler, Evaluator
from agents.evaluation_batches import BatchCoordinator
from agents.faust_jobs import register_job_agents
from agents.faust_support import FaustOutbox
from agents.jobs import JobRunner
from agents.retry import EVALUATION_POLICY
from runtime.errors import TransientError
from runtime.logs import get_logger
from runtime.settings import Settings
from streams.topics import EVALUATION, EVALUATION_URGENT

__all__ = ["register_evaluation_agent"]

log = get_logger(WORKER)


@dataclass
class _Built:
    pool: Pool
    repo: EvaluationsRepo
    client: LLMClient | None
    evaluator: Evaluator


class _Resources:
    """Pool, LLM client and evaluator, created once inside the worker's event loop."""

    def __init__(self, app: faust.App, settings: Settings) -> None:
        self.settings = settings
        self.outbox = FaustOutbox(app)
        self._lock = asyncio.Lock()
        self._built: _Built | None = None
        self._coordinator: BatchCoordinator | None = None

    async def get(self) -> _Built:
        async with self._lock:
            if self._built is None:
                self._built = await self._build()
            return self._built

    async def _build(self) -> _Built:
        pool = await create_pool(self.settings)
        async with pool.acquire() as conn:
            await migrate(conn)
        repo = EvaluationsRepo(pool)
        client = None if self.settings.offline else LLMClient(self.settings)
        log.info("evaluation_agent_ready", mode="offline" if client is None else "llm",
                 model=self.settings.evaluation_model, rubric=self.settings.rubric_version,
                 batches=client is not None and self.settings.llm_batch_enabled)
        return _Built(pool, repo, client, Evaluator(repo, self.settings, client))

    async def runner(self, outbox: FaustOutbox) -> JobRunner:
        """A JobRunner for one topic (its main and retry agents share it)."""
        built = await self.get()
        handler = EvaluationHandler(built.evaluator, self.settings.topics,
                                    asyncio.Semaphore(self.settings.evaluation_concurrency))

        record_failed = failed_job_recorder(built.pool)
        return JobRunner(worker=WORKER, handler=handler, policy=EVALUATION_POLICY,
                         send=outbox.send, record_failed=record_failed,
                         names=self.settings.topics, lanes=self.settings.evaluation_concurrency,
                         max_bytes=self.settings.max_message_bytes)

    async def coordinator(self) -> BatchCoordinator | None:
        built = await self.get()
        if built.client is None:
            return None
        if self._coordinator is None:
            self._coordinator = BatchCoordinator(built.evaluator, built.repo, built.client,
                                                 self.outbox.send, self.settings.topics)
        return self._coordinator

    async def close(self) -> None:
        if self._built is not None:
            if self._built.client is not None:
                await self._built.client.aclose()
            await self._built.pool.close()
            self._built = None


def register_evaluation_agent(app: faust.App, settings: Settings) -> list[Any]:
    """Agents for ``evaluation`` and ``evaluation-urgent`` (and retries), and the batch timer."""
    resources = _Resources(app, settings)
    agents = register_job_agents(app, settings, "evaluation-agent", [EVALUATION],
                                 resources.runner, agent="evaluation")
    agents += register_job_agents(app, settings, "evaluation-urgent-agent",
                                  [EVALUATION_URGENT], resources.runner, agent="evaluation")
    if not settings.offline and settings.llm_batch_enabled:
        @app.timer(settings.llm_batch_interval_seconds, name="evaluation-llm-batches")
        async def llm_batches() -> None:
            await _tick(resources)

    async def close(sender: Any, **_: Any) -> None:
        await resources.close()

    app.on_before_shutdown.connect(close)
    return agents


async def _tick(resources: _Resources) -> None:
    """One coordinator round; failures are logged and retried on the next tick."""
    try:
        coordinator = await resources.coordinator()
        if coordinator is not None:
            await coordinator.tick()
    except TransientError as exc:
        log.warning("llm_batch_tick_deferred", error_type=type(exc).__name__)
    except Exception as exc:  # a bug must not stop the timer: keep the evidence in the log
        log.error("llm_batch_tick_failed", error_type=type(exc).__name__)
