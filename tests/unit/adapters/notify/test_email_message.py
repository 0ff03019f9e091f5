"""The MIME message the e-mail sender builds, and the metrics every send records."""

from __future__ import annotations

import pytest

from adapters.notify import Delivery, EmailSender, PermanentDeliveryError, plan_deliveries
from tests.unit.adapters.notify.samples import (
    CANDIDATE_EMAIL,
    INVITE_LINK,
    invitation,
    make_settings,
    notifications_count,
)


def invite_email() -> Delivery:
    return plan_deliveries("interview-invited", invitation(), make_settings())[0]


def sender() -> EmailSender:
    return EmailSender.from_settings(make_settings(smtp_port=1))


def test_message_headers_and_parts() -> None:
    message = sender().build_message(invite_email())
    assert message["To"] == CANDIDATE_EMAIL
    assert message["From"] == "InterviewLM <no-reply@interviewlm.test>"
    assert message["Subject"] == "You're invited to an InterviewLM interview"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-InterviewLM-Event"] == "interview-invited"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and INVITE_LINK in text.get_content()
    assert html is not None and "<!DOCTYPE html>" in html.get_content()


def test_message_id_is_derived_from_the_dedupe_key() -> None:
    first = sender().build_message(invite_email())["Message-ID"]
    again = sender().build_message(invite_email())["Message-ID"]
    assert first == again
    assert first.endswith("@interviewlm.test>")
    other = plan_deliveries("interview-reminder", invitation(), make_settings())[0]
    assert sender().build_message(other)["Message-ID"] != first


def test_non_email_delivery_is_a_type_error() -> None:
    webhook = plan_deliveries("interview-invited", invitation(), make_settings())[1]
    with pytest.raises(TypeError):
        sender().build_message(webhook)


def test_bad_sender_address_is_rejected_at_construction() -> None:
    with pytest.raises(PermanentDeliveryError):
        EmailSender.from_settings(make_settings(email_from="InterviewLM"))


async def test_bad_recipient_fails_permanently_before_connecting() -> None:
    delivery = plan_deliveries("interview-invited", invitation(candidateEmail="nobody"),
                               make_settings())[0]
    before = notifications_count("email", "permanent_error")
    with pytest.raises(PermanentDeliveryError, match="malformed"):
        await sender().send(delivery)  # port 1: would be a transient error if it connected
    assert notifications_count("email", "permanent_error") == before + 1
