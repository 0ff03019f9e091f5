"""The handler inside a JobRunner: retry topic, dead letters and failed jobs, in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.db.failed_jobs import FailedJob
from adapters.notify import PermanentDeliveryError, TransientDeliveryError
from agents.jobs import JobRunner, attempt_of
from agents.messages import OutMessage, RawMessage
from agents.notification import WORKER, NotificationHandler, notification_policy
from streams.topics import TopicNames
from tests.unit.adapters.notify.samples import evaluation, invitation, make_settings
from tests.unit.agents.notification.fakes import MemoryStore, ScriptedSender, message


@dataclass
class Harness:
    senders: dict[str, ScriptedSender]
    out: list[OutMessage] = field(default_factory=list)
    failed: list[FailedJob] = field(default_factory=list)
    store: MemoryStore = field(default_factory=MemoryStore)

    def runner(self, attempts: int = 3) -> JobRunner:
        settings = make_settings(notification_attempts=attempts,
                                 notification_retry_initial_seconds=0.5)
        handler = NotificationHandler(settings, dict(self.senders), self.store)  # type: ignore[arg-type]

        async def send(out: OutMessage) -> None:
            self.out.append(out)

        async def record(jobs: list[FailedJob]) -> None:
            self.failed.extend(jobs)

        async def no_sleep(_: float) -> None:
            return None

        return JobRunner(WORKER, handler, notification_policy(settings), send, record,
                         TopicNames("t."), lanes=4, clock=lambda: 1000.0, sleep=no_sleep)


def harness(**scripts: list[Any]) -> Harness:
    return Harness({c: ScriptedSender(list(scripts.get(c, ()))) for c in
                    ("email", "webhook", "slack")})


def redelivered(out: OutMessage) -> RawMessage:
    """``out`` (a retry) as the retry agent would consume it."""
    return RawMessage(out.topic, 0, 1, out.key, out.value, out.headers)


def hook_503() -> TransientDeliveryError:
    return TransientDeliveryError("webhook endpoint answered HTTP 503", channel="webhook",
                                  status_code=503)


async def test_transient_failure_goes_to_the_retry_topic_and_resends_only_that_channel() -> None:
    h = harness(webhook=[hook_503()])
    runner = h.runner()
    _, msg = message("evaluation-complete", evaluation())
    await runner.process([msg])
    [retry] = h.out
    assert retry.topic == "t.notification.retry" and retry.value == msg.value
    headers = dict(retry.headers)
    assert headers["x-attempt"] == b"2" and float(headers["x-due-at"]) == 1000.5
    assert b"HTTP 503" in headers["x-last-error"]
    h.out.clear()
    result = await runner.process([redelivered(retry)])
    assert h.out == [] and not result.dead_letters
    assert [len(s.sent) for s in h.senders.values()] == [1, 1, 1]
    assert h.senders["email"].calls == 1 and h.senders["webhook"].calls == 2


async def test_retries_run_out_into_the_dead_letter_topic() -> None:
    h = harness(webhook=[hook_503()] * 5)
    runner = h.runner(attempts=2)
    _, msg = message("interview-invited", invitation())
    await runner.process([msg])
    [retry] = h.out
    h.out.clear()
    await runner.process([redelivered(retry)])
    [dead] = h.out
    assert dead.topic == "t.notification.dlq"
    assert dict(dead.headers)["x-dlq-reason"] == b"retries_exhausted"
    [job] = h.failed
    assert job.attempts == 2 and job.error_type == "DeliveriesFailed"
    assert "webhook: webhook endpoint answered HTTP 503" in job.error_message
    assert len(h.senders["email"].sent) == 1


async def test_permanent_refusal_is_dead_lettered_at_once_with_the_reason() -> None:
    h = harness(webhook=[PermanentDeliveryError("webhook endpoint answered HTTP 400",
                                                channel="webhook", status_code=400)])
    _, msg = message("interview-invited", invitation())
    await h.runner().process([msg])
    [dead] = h.out
    assert dead.topic == "t.notification.dlq"
    assert dict(dead.headers)["x-dlq-reason"] == b"permanent_error"
    [job] = h.failed
    assert job.error_type == "DeliveriesRefused" and "HTTP 400" in job.error_message
    assert len(h.senders["email"].sent) == 1


async def test_malformed_and_invalid_notifications_are_dead_lettered() -> None:
    h = harness()
    bad_json = RawMessage("t.notification", 0, 1, b"s", b"{not json")
    _, bad_link = message("interview-invited", invitation(inviteLink="mailto:x@y.test"),
                          offset=2)
    await h.runner().process([bad_json, bad_link])
    reasons = sorted(dict(o.headers)["x-dlq-reason"] for o in h.out)
    assert reasons == [b"malformed", b"permanent_error"]
    assert {o.topic for o in h.out} == {"t.notification.dlq"}
    assert sum(len(s.sent) for s in h.senders.values()) == 0
    assert attempt_of(bad_json) == 1
