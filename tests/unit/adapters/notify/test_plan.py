"""Planning: which channels each event type reaches, what they carry, and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.notify import (
    Delivery,
    InvalidNotification,
    PermanentDeliveryError,
    configured_channels,
    plan_deliveries,
)
from tests.unit.adapters.notify.samples import (
    CANDIDATE_EMAIL,
    CANDIDATE_NAME,
    INVITE_LINK,
    RECRUITER,
    evaluation,
    invitation,
    make_settings,
)

INVITATION_TYPES = ["interview-invited", "interview-reminder", "interview-expired"]


def by_channel(deliveries: list[Delivery]) -> dict[str, Delivery]:
    return {d.channel: d for d in deliveries}


@pytest.mark.parametrize("event_type", INVITATION_TYPES)
def test_invitation_events_email_the_candidate_and_post_the_webhook(event_type: str) -> None:
    deliveries = plan_deliveries(event_type, invitation(), make_settings())
    assert [d.channel for d in deliveries] == ["email", "webhook"]
    email = by_channel(deliveries)["email"].email()
    assert email.to == CANDIDATE_EMAIL
    assert CANDIDATE_NAME in email.text and CANDIDATE_NAME in email.html
    assert "20 Nov 2025, 10:00 UTC" in email.text
    body = by_channel(deliveries)["webhook"].json().body
    assert body["type"] == event_type
    assert body["id"] == by_channel(deliveries)["webhook"].dedupe_key
    assert body["data"]["candidateEmail"] == CANDIDATE_EMAIL
    assert body["data"]["expiresAt"] == "2025-11-20T10:00:00+00:00"


def test_subjects_differ_per_invitation_type() -> None:
    subjects = {t: plan_deliveries(t, invitation(), make_settings())[0].email().subject
                for t in INVITATION_TYPES}
    assert len(set(subjects.values())) == 3
    assert "invited" in subjects["interview-invited"]
    assert "expires on 20 Nov 2025" in subjects["interview-reminder"]
    assert "expired" in subjects["interview-expired"]


def test_invite_and_reminder_carry_the_link_but_expiry_does_not() -> None:
    for event_type in ("interview-invited", "interview-reminder"):
        email = plan_deliveries(event_type, invitation(), make_settings())[0].email()
        assert INVITE_LINK in email.text and f'href="{INVITE_LINK}"' in email.html
    expired = plan_deliveries("interview-expired", invitation(), make_settings())[0].email()
    assert INVITE_LINK not in expired.text and INVITE_LINK not in expired.html


def test_evaluation_complete_reaches_recruiter_webhook_and_slack() -> None:
    deliveries = plan_deliveries("evaluation-complete", evaluation(), make_settings())
    assert [d.channel for d in deliveries] == ["email", "webhook", "slack"]
    email = deliveries[0].email()
    assert email.to == RECRUITER
    assert email.subject == "Evaluation complete: candidate cand-42 scored 77.5"
    assert "eval-7" in email.text and "sess-1" in email.html
    slack = deliveries[2].json().body
    assert "cand-42" in slack["text"] and "77.5" in slack["text"]
    assert [b["type"] for b in slack["blocks"]] == ["header", "section", "context"]


def test_evaluation_without_recruiter_skips_email() -> None:
    deliveries = plan_deliveries("evaluation-complete", evaluation(),
                                 make_settings(recruiter_email=None))
    assert [d.channel for d in deliveries] == ["webhook", "slack"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"webhook_url": None}, {"email", "slack"}),
        ({"webhook_secret": None}, {"email", "slack"}),
        ({"webhook_secret": ""}, {"email", "slack"}),
        ({"slack_webhook_url": None}, {"email", "webhook"}),
        ({"smtp_host": ""}, {"webhook", "slack"}),
        ({"smtp_host": "", "webhook_url": None, "slack_webhook_url": None}, set()),
    ],
)
def test_only_configured_channels_are_planned(overrides: dict[str, Any],
                                              expected: set[str]) -> None:
    settings = make_settings(**overrides)
    assert configured_channels(settings) == expected
    planned = {d.channel for d in plan_deliveries("evaluation-complete", evaluation(), settings)}
    assert planned == expected


def test_integer_scores_render_without_decimals() -> None:
    slack = plan_deliveries("evaluation-complete", evaluation(overallScore=80),
                            make_settings())[2].json().body
    assert "overall score 80" in slack["text"]


def test_markup_in_values_is_escaped() -> None:
    data = invitation(candidateName='<script>alert("x")</script>')
    email = plan_deliveries("interview-invited", data, make_settings())[0].email()
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    slack = plan_deliveries("evaluation-complete", evaluation(candidateId="<!channel>"),
                            make_settings())[2].json().body
    assert "<!channel>" not in slack["text"] and "&lt;!channel&gt;" in slack["text"]


def test_empty_name_gets_a_neutral_greeting() -> None:
    email = plan_deliveries("interview-invited", invitation(candidateName=""),
                            make_settings())[0].email()
    assert email.text.startswith("Hi there,")


def test_repr_of_a_delivery_leaks_no_personal_data() -> None:
    for delivery in plan_deliveries("interview-invited", invitation(), make_settings()):
        text = repr(delivery) + repr(delivery.payload)
        for secret in (CANDIDATE_EMAIL, CANDIDATE_NAME, INVITE_LINK):
            assert secret not in text


@pytest.mark.parametrize(
    ("event_type", "data", "field"),
    [
        ("interview-invited", invitation(candidateEmail=None), "candidateEmail"),
        ("interview-invited", invitation(candidateEmail=""), "candidateEmail"),
        ("interview-invited", invitation(inviteLink="javascript:alert(1)"), "inviteLink"),
        ("interview-invited", invitation(expiresAt="next tuesday"), "expiresAt"),
        ("interview-invited", invitation(candidateName="Ada\r\nBcc: x@y"), "candidateName"),
        ("interview-reminder", {"sessionId": "s"}, "timestamp"),
        ("evaluation-complete", evaluation(overallScore="77.5"), "overallScore"),
        ("evaluation-complete", evaluation(overallScore=True), "overallScore"),
        ("evaluation-complete", evaluation(overallScore=float("nan")), "overallScore"),
        ("evaluation-complete", evaluation(evaluationId=7), "evaluationId"),
        ("evaluation-complete", evaluation(sessionId=""), "sessionId"),
    ],
)
def test_bad_data_is_rejected_naming_the_field_only(event_type: str, data: dict[str, Any],
                                                    field: str) -> None:
    with pytest.raises(InvalidNotification, match=field) as caught:
        plan_deliveries(event_type, data, make_settings())
    assert isinstance(caught.value, PermanentDeliveryError)
    assert CANDIDATE_EMAIL not in str(caught.value)


def test_unknown_event_type_is_rejected() -> None:
    with pytest.raises(InvalidNotification, match="unsupported"):
        plan_deliveries("session-started", evaluation(), make_settings())


def test_data_must_be_an_object() -> None:
    with pytest.raises(InvalidNotification, match="object"):
        plan_deliveries("evaluation-complete", ["not", "a", "dict"],  # type: ignore[arg-type]
                        make_settings())


def test_evaluation_dedupe_keys_name_the_evaluation_and_rubric_not_the_time_or_score() -> None:
    settings = make_settings(recruiter_email=RECRUITER)

    def keys(**data: Any) -> dict[str, str]:
        planned = plan_deliveries("evaluation-complete", evaluation(**data), settings)
        return {d.channel: d.dedupe_key for d in planned}

    first = keys(rubricVersion="2024.1")
    assert set(first) == {"email", "webhook", "slack"}
    assert keys(rubricVersion="2024.1", timestamp="2026-03-01T09:00:00Z",
                overallScore=12.0) == first
    assert keys(rubricVersion="2025.1") != first
    assert keys(rubricVersion="2024.1", evaluationId="eval-8") != first
    assert keys() != first, "without a rubric version only the evaluation id is the identity"
    assert keys(timestamp="2026-03-01T09:00:00Z") == keys()
