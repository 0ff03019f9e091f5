"""The evaluation handler inside a JobRunner: grace-period retries and real attempt counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from adapters.db.failed_jobs import FailedJob
from agents.evaluation import WORKER, EvaluationHandler, Evaluator
from agents.jobs import JobRunner
from agents.messages import OutMessage, RawMessage
from agents.retry import EVALUATION_POLICY
from runtime.settings import load_settings
from streams.topics import TopicNames
from tests.unit.agents.evaluation_service.conftest import session
from tests.unit.agents.evaluation_service.memory_store import MemoryStore

NAMES = TopicNames("t.")
NOW = 1_000.0


def runner(store: MemoryStore, out: list[OutMessage], failed: list[FailedJob],
           grace: float = 10.0) -> JobRunner:
    settings = load_settings(anthropic_api_key=None, analyze_grace_seconds=grace)
    handler = EvaluationHandler(Evaluator(store, settings), NAMES)

    async def send(message: OutMessage) -> None:
        out.append(message)

    async def record(jobs: list[FailedJob]) -> None:
        failed.extend(jobs)

    async def no_sleep(_: float) -> None:
        return None

    return JobRunner(WORKER, handler, EVALUATION_POLICY, send, record, NAMES,
                     clock=lambda: NOW, sleep=no_sleep)


def analyze(attempt: int = 1) -> RawMessage:
    stamp = datetime.now(UTC) - timedelta(seconds=4)
    raw = json.dumps({"type": "analyze", "data": {
        "sessionId": "sess-1", "timestamp": stamp.isoformat(), "candidateId": "cand-42",
        "priority": 5}}).encode()
    headers = (("x-attempt", str(attempt).encode()),) if attempt > 1 else ()
    return RawMessage("t.evaluation", 2, 40, b"sess-1", raw, headers)


async def test_grace_period_sets_the_retry_due_time_and_the_retry_scores() -> None:
    store, out, failed = MemoryStore(), [], []  # type: ignore[var-annotated]
    store.add_session(session()[:-1])
    await runner(store, out, failed).process([analyze()])
    [retry] = out
    headers = dict(retry.headers)
    assert retry.topic == "t.evaluation.retry" and headers["x-attempt"] == b"2"
    assert 5.5 < float(headers["x-due-at"]) - NOW <= 6.0, "10 s grace, analyze 4 s old"
    out.clear()
    await runner(store, out, failed).process([RawMessage(
        retry.topic, 0, 3, retry.key, retry.value, retry.headers)])
    [done] = out
    assert done.topic == "t.notification" and len(store.evaluations) == 1 and not failed


async def test_unscorable_dead_letter_records_every_attempt() -> None:
    store, out, failed = MemoryStore(), [], []  # type: ignore[var-annotated]
    await runner(store, out, failed).process([analyze(attempt=5)])
    [job] = failed
    assert job.attempts == 5 and job.error_type == "NotScorable"
    [letter] = out
    assert letter.topic == "t.evaluation.dlq"
    assert dict(letter.headers)["x-dlq-attempts"] == b"5"
