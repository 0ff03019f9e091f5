"""EmailSender against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import logging

import pytest

from adapters.notify import (
    EmailSender,
    PermanentDeliveryError,
    TransientDeliveryError,
    plan_deliveries,
)
from tests.integration.adapters.notify.conftest import SmtpServer, free_port
from tests.unit.adapters.notify.samples import (
    CANDIDATE_EMAIL,
    CANDIDATE_NAME,
    INVITE_LINK,
    RECRUITER,
    evaluation,
    invitation,
    make_settings,
    notifications_count,
)

pytestmark = pytest.mark.integration


def sender_for(server: SmtpServer) -> EmailSender:
    return EmailSender.from_settings(make_settings(smtp_host=server.host, smtp_port=server.port),
                                     timeout=5)


async def test_invitation_is_delivered_as_text_and_html(smtp_server: SmtpServer) -> None:
    delivery = plan_deliveries("interview-invited", invitation(), make_settings())[0]
    before = notifications_count("email", "sent")
    await sender_for(smtp_server).send(delivery)
    assert notifications_count("email", "sent") == before + 1
    [(recipients, message)] = smtp_server.inbox.messages
    assert recipients == [CANDIDATE_EMAIL]
    assert message["To"] == CANDIDATE_EMAIL
    assert message["Subject"] == "You're invited to an InterviewLM interview"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert f"Hi {CANDIDATE_NAME}," in text.get_content()
    assert INVITE_LINK in text.get_content()
    assert f'href="{INVITE_LINK}"' in html.get_content()
    assert "20 Nov 2025, 10:00 UTC" in html.get_content()


async def test_evaluation_goes_to_the_recruiter(smtp_server: SmtpServer) -> None:
    delivery = plan_deliveries("evaluation-complete", evaluation(), make_settings())[0]
    await sender_for(smtp_server).send(delivery)
    [(recipients, message)] = smtp_server.inbox.messages
    assert recipients == [RECRUITER]
    assert message["Subject"] == "Evaluation complete: candidate cand-42 scored 77.5"
    body = message.get_body(("plain",))
    assert body is not None and "Overall score: 77.5" in body.get_content()


async def test_unknown_mailbox_is_permanent(smtp_server: SmtpServer) -> None:
    smtp_server.inbox.rcpt_reply = "550 5.1.1 <ada.lovelace@example.com>: no such user"
    delivery = plan_deliveries("interview-invited", invitation(), make_settings())[0]
    before = notifications_count("email", "permanent_error")
    with pytest.raises(PermanentDeliveryError) as caught:
        await sender_for(smtp_server).send(delivery)
    assert caught.value.status_code == 550
    assert CANDIDATE_EMAIL not in str(caught.value)
    assert notifications_count("email", "permanent_error") == before + 1
    assert smtp_server.inbox.messages == []


async def test_greylisting_is_transient(smtp_server: SmtpServer) -> None:
    smtp_server.inbox.rcpt_reply = "451 4.7.1 greylisted, try again later"
    delivery = plan_deliveries("interview-reminder", invitation(), make_settings())[0]
    with pytest.raises(TransientDeliveryError) as caught:
        await sender_for(smtp_server).send(delivery)
    assert caught.value.status_code == 451
    smtp_server.inbox.rcpt_reply = None
    await sender_for(smtp_server).send(delivery)
    assert len(smtp_server.inbox.messages) == 1


async def test_unreachable_server_is_transient() -> None:
    sender = EmailSender.from_settings(make_settings(smtp_host="127.0.0.1",
                                                     smtp_port=free_port()), timeout=2)
    delivery = plan_deliveries("interview-expired", invitation(), make_settings())[0]
    before = notifications_count("email", "transient_error")
    with pytest.raises(TransientDeliveryError):
        await sender.send(delivery)
    assert notifications_count("email", "transient_error") == before + 1


async def test_logs_carry_no_personal_data(smtp_server: SmtpServer,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters.notify")
    delivery = plan_deliveries("interview-invited", invitation(), make_settings())[0]
    await sender_for(smtp_server).send(delivery)
    records = [r for r in caplog.records if r.name == "adapters.notify"]
    assert len(records) == 1
    assert records[0].fields == {  # type: ignore[attr-defined]
        "channel": "email", "type": "interview-invited", "outcome": "sent"}
    for secret in (CANDIDATE_EMAIL, CANDIDATE_NAME, INVITE_LINK):
        assert secret not in caplog.text
