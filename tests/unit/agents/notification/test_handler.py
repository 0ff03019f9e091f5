"""NotificationHandler rules, pure: claims in memory, scripted senders, no network."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import pytest

from adapters.notify import (
    InvalidNotification,
    PermanentDeliveryError,
    TransientDeliveryError,
    plan_deliveries,
)
from agents.notification import (
    DeliveriesFailed,
    DeliveriesRefused,
    NotificationHandler,
    event_fields,
    notification_policy,
)
from agents.retry import NOTIFICATION_POLICY
from runtime.errors import TransientError
from tests.unit.adapters.notify.samples import (
    CANDIDATE_EMAIL,
    CANDIDATE_NAME,
    INVITE_LINK,
    evaluation,
    invitation,
    make_settings,
)
from tests.unit.agents.notification.fakes import MemoryStore, ScriptedSender, message


def handler(store: MemoryStore | None = None, **senders: ScriptedSender) -> NotificationHandler:
    all_senders: dict[str, Any] = {"email": ScriptedSender(), "webhook": ScriptedSender(),
                                   "slack": ScriptedSender(), **senders}
    return NotificationHandler(make_settings(), all_senders, store or MemoryStore())


def sent_counts(h: NotificationHandler) -> dict[str, int]:
    return {channel: len(s.sent) for channel, s in h.senders.items()  # type: ignore[attr-defined]
            if s.sent}  # type: ignore[attr-defined]


def webhook_error(status: int) -> BaseException:
    kind = TransientDeliveryError if status >= 500 else PermanentDeliveryError
    return kind(f"webhook endpoint answered HTTP {status}", channel="webhook",
                status_code=status)


@pytest.mark.parametrize(("event_type", "channels"), [
    ("evaluation-complete", {"email", "webhook", "slack"}),
    ("interview-invited", {"email", "webhook"}),
    ("interview-reminder", {"email", "webhook"}),
    ("interview-expired", {"email", "webhook"}),
])
async def test_each_type_goes_to_its_channels_once(event_type: str, channels: set[str]) -> None:
    data = evaluation() if event_type == "evaluation-complete" else invitation()
    store = MemoryStore()
    h = handler(store)
    assert await h(*message(event_type, data)) == []
    assert sent_counts(h) == dict.fromkeys(channels, 1)
    assert store.statuses() == dict.fromkeys(channels, "sent")


async def test_a_redelivered_notification_sends_nothing_again() -> None:
    store = MemoryStore()
    h = handler(store)
    await h(*message("evaluation-complete", evaluation()))
    await h(*message("evaluation-complete", evaluation(), offset=7))
    assert sent_counts(h) == {"email": 1, "webhook": 1, "slack": 1}


async def test_the_same_event_in_another_time_zone_is_the_same_notification() -> None:
    h = handler()
    await h(*message("interview-invited", invitation()))
    await h(*message("interview-invited", invitation(timestamp="2025-11-13T11:30:00+01:00")))
    assert sent_counts(h) == {"email": 1, "webhook": 1}


async def test_a_transient_failure_retries_only_the_failed_channel() -> None:
    store = MemoryStore()
    h = handler(store, webhook=ScriptedSender([webhook_error(503)]))
    event, msg = message("evaluation-complete", evaluation())
    with pytest.raises(DeliveriesFailed, match=r"1 of 3 deliveries failed: webhook: .*HTTP 503"):
        await h(event, msg)
    assert store.statuses() == {"email": "sent", "webhook": "failed", "slack": "sent"}
    await h(event, msg)
    assert sent_counts(h) == {"email": 1, "webhook": 1, "slack": 1}
    assert h.senders["webhook"].calls == 2  # type: ignore[attr-defined]
    assert store.statuses() == dict.fromkeys(("email", "webhook", "slack"), "sent")


async def test_only_permanent_failures_refuse_the_job_after_the_others_went_out() -> None:
    store = MemoryStore()
    h = handler(store, webhook=ScriptedSender([webhook_error(400)]))
    with pytest.raises(DeliveriesRefused, match=r"webhook: webhook endpoint answered HTTP 400"):
        await h(*message("interview-invited", invitation()))
    assert sent_counts(h) == {"email": 1}
    assert store.statuses() == {"email": "sent", "webhook": "failed"}


async def test_a_transient_failure_beside_a_permanent_one_keeps_the_job_retrying() -> None:
    h = handler(webhook=ScriptedSender([webhook_error(400)]),
                slack=ScriptedSender([webhook_error(503)]))
    with pytest.raises(DeliveriesFailed) as info:
        await h(*message("evaluation-complete", evaluation()))
    assert "2 of 3" in str(info.value) and "HTTP 400" in str(info.value)


async def test_a_delivery_claimed_elsewhere_is_left_alone_and_retried() -> None:
    event, msg = message("interview-reminder", invitation())
    store = MemoryStore()
    [email, _] = plan_deliveries("interview-reminder", event_fields(event), make_settings())
    store.rows[email.dedupe_key] = ["sending", 1]
    h = handler(store)
    with pytest.raises(DeliveriesFailed, match="email delivery is being sent by another"):
        await h(event, msg)
    assert sent_counts(h) == {"webhook": 1}
    assert store.rows[email.dedupe_key] == ["sending", 1], "another worker's claim is untouched"


async def test_a_send_that_hangs_is_cut_off_and_released() -> None:
    store = MemoryStore()
    h = handler(store, email=ScriptedSender(delay=5))
    h.send_timeout = 0.05
    with pytest.raises(DeliveriesFailed, match="email send timed out"):
        await h(*message("interview-expired", invitation()))
    assert store.statuses() == {"email": "failed", "webhook": "sent"}


async def test_a_bug_in_a_sender_is_permanent_and_its_text_is_not_kept() -> None:
    h = handler(email=ScriptedSender([RuntimeError(f"boom {CANDIDATE_EMAIL}")]))
    with pytest.raises(DeliveriesRefused) as info:
        await h(*message("interview-invited", invitation()))
    assert "email: RuntimeError" in str(info.value)
    assert CANDIDATE_EMAIL not in str(info.value)


async def test_an_unplannable_notification_is_invalid() -> None:
    h = handler()
    with pytest.raises(InvalidNotification, match="inviteLink"):
        await h(*message("interview-invited", invitation(inviteLink="ftp://x.test/a")))
    assert sent_counts(h) == {}


async def test_database_outage_is_transient() -> None:
    h = handler(MemoryStore(fail_with=asyncpg.CannotConnectNowError("starting up")))
    with pytest.raises(TransientError, match="PostgreSQL unavailable"):
        await h(*message("interview-invited", invitation()))
    assert sent_counts(h) == {}


async def test_a_missing_sender_is_permanent() -> None:
    h = NotificationHandler(make_settings(), {"email": ScriptedSender()}, MemoryStore())
    with pytest.raises(DeliveriesRefused, match="no webhook sender is configured"):
        await h(*message("interview-invited", invitation()))


async def test_logs_carry_channels_not_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    h = handler(webhook=ScriptedSender([webhook_error(503)]))
    with pytest.raises(DeliveriesFailed):
        await h(*message("interview-invited", invitation()))
    await h(*message("interview-invited", invitation()))
    records = [r for r in caplog.records if r.name == "interviewlm.notification-agent"]
    assert [r.getMessage() for r in records] == ["notification_deliveries_failed",
                                                 "notification_delivered"]
    assert records[1].fields == {"type": "interview-invited", "attempt": 1,  # type: ignore[attr-defined]
                                 "sent": ["webhook"], "skipped": ["email"], "failed": {}}
    text = repr([r.__dict__ for r in caplog.records])
    for secret in (CANDIDATE_EMAIL, CANDIDATE_NAME, INVITE_LINK):
        assert secret not in text


def test_policy_defaults_to_the_seed_and_follows_settings() -> None:
    assert notification_policy(make_settings()) == NOTIFICATION_POLICY
    fast = notification_policy(make_settings(notification_attempts=3,
                                             notification_retry_initial_seconds=0.1))
    assert fast.attempts == 3 and fast.delays() == [0.1, 0.2]
