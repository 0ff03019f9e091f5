"""Faust wiring for the evaluation agent: two job lanes and the LLM batch timer.

``evaluation`` and ``evaluation-urgent`` each get their own job agents (plus
their retry agents) through :func:`register_job_agents`, so urgent work has its
own consumer stream and is never queued behind a backlog on ``evaluation``.
Each lane runs at most EVALUATION_CONCURRENCY evaluations at once (lanes in the
JobRunner, and a semaphore shared by a topic's main and retry agents) and
retries transient failures 5 times (EVALUATION_POLICY) before dead-lettering.

The database pool and the LLM client come from the app's
:class:`~agents.resources.WorkerResources` service (open before any agent starts);
the :class:`Evaluator` over them is made once and shared by every agent and the
batch timer.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import faust

from adapters.db.evaluations_repo import EvaluationsRepo
from adapters.db.failed_jobs import failed_job_recorder
from adapters.llm import LLMClient
from agents.evaluation import WORKER, EvaluationHandler, Evaluator
from agents.evaluation_batches import BatchCoordinator
from agents.evaluation_service import check_cache_prefix, rubric_from
from agents.faust_jobs import register_job_agents
from agents.faust_support import FaustOutbox
from agents.jobs import JobRunner
from agents.resources import WorkerResources, resources_for
from agents.retry import EVALUATION_POLICY
from runtime.errors import TransientError
from runtime.logs import get_logger
from runtime.settings import Settings
from streams.topics import EVALUATION, EVALUATION_URGENT

__all__ = ["register_evaluation_agent"]

log = get_logger(WORKER)


class _Evaluation:
    """The repository, evaluator and batch coordinator over the app's resources.

    Each is made on first use, which is always after the resources service started
    (agents and timers run only once the app is up), and then shared.
    """

    def __init__(self, app: faust.App, settings: Settings) -> None:
        self.settings = settings
        self.resources: WorkerResources = resources_for(app, settings).need("llm")
        self.outbox = FaustOutbox(app)

    @functools.cached_property
    def repo(self) -> EvaluationsRepo:
        return EvaluationsRepo(self.resources.pool)

    @functools.cached_property
    def evaluator(self) -> Evaluator:
        client = self.resources.llm
        log.info("evaluation_agent_ready", mode="offline" if client is None else "llm",
                 model=self.settings.evaluation_model, rubric=self.settings.rubric_version,
                 batches=client is not None and self.settings.llm_batch_enabled)
        return Evaluator(self.repo, self.settings, client)

    @functools.cached_property
    def coordinator(self) -> BatchCoordinator | None:
        client = self.resources.llm
        if client is None:
            return None
        return BatchCoordinator(self.evaluator, self.repo, client, self.outbox.send,
                                self.settings.topics)

    def runner(self, outbox: FaustOutbox) -> JobRunner:
        """A JobRunner for one topic (its main and retry agents share it)."""
        handler = EvaluationHandler(self.evaluator, self.settings.topics,
                                    asyncio.Semaphore(self.settings.evaluation_concurrency))
        pool = self.resources.pool

        record_failed = failed_job_recorder(pool, self.settings.app_id)
        return JobRunner(worker=WORKER, handler=handler, policy=EVALUATION_POLICY,
                         send=outbox.send, record_failed=record_failed,
                         names=self.settings.topics, lanes=self.settings.evaluation_concurrency,
                         max_bytes=self.settings.max_message_bytes)


async def _log_cache_prefix(client: LLMClient, settings: Settings) -> None:
    """One line saying whether the review's prefix is long enough to be cached."""
    check = await check_cache_prefix(client, rubric_from(settings), settings)
    if check is None:
        log.warning("llm_cache_prefix_unchecked", model=settings.evaluation_model)
    elif not check.cacheable:
        log.warning("llm_cache_prefix_too_short", model=check.model, tokens=check.tokens,
                    minimum=check.minimum)
    else:
        log.info("llm_cache_prefix", model=check.model, tokens=check.tokens,
                 minimum=check.minimum)


def register_evaluation_agent(app: faust.App, settings: Settings) -> list[Any]:
    """Agents for ``evaluation`` and ``evaluation-urgent`` (and retries), and the batch timer."""
    evaluation = _Evaluation(app, settings)
    agents = register_job_agents(app, settings, "evaluation-agent", [EVALUATION],
                                 evaluation.runner, agent="evaluation")
    agents += register_job_agents(app, settings, "evaluation-urgent-agent",
                                  [EVALUATION_URGENT], evaluation.runner, agent="evaluation")
    if not settings.offline:
        @app.task
        async def check_cache_prefix_once() -> None:
            # Runs once the app is up, so after the resources service opened the client.
            client = evaluation.resources.llm
            if client is not None:
                await _log_cache_prefix(client, settings)

    if not settings.offline and settings.llm_batch_enabled:
        @app.timer(settings.llm_batch_interval_seconds, name="evaluation-llm-batches")
        async def llm_batches() -> None:
            await _tick(evaluation)

    return agents


async def _tick(evaluation: _Evaluation) -> None:
    """One coordinator round; failures are logged and retried on the next tick."""
    try:
        coordinator = evaluation.coordinator
        if coordinator is not None:
            await coordinator.tick()
    except TransientError as exc:
        log.warning("llm_batch_tick_deferred", error_type=type(exc).__name__)
    except Exception as exc:  # a bug must not stop the timer: keep the evidence in the log
        log.error("llm_batch_tick_failed", error_type=type(exc).__name__)
