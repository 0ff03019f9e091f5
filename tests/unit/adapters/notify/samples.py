"""Sample notification events and settings shared by the unit and integration tests."""

from __future__ import annotations

from typing import Any

from runtime.settings import Settings

TS = "2025-11-13T10:30:00Z"
CANDIDATE_EMAIL = "ada.lovelace@example.com"
CANDIDATE_NAME = "Ada Lovelace"
INVITE_LINK = "https://app.interviewlm.test/invite/tok-abc123"
RECRUITER = "recruiting@example.com"
WEBHOOK_SECRET = "whsec_test_0123456789"


def invitation(**overrides: Any) -> dict[str, Any]:
    """``data`` of an interview-invited/reminder/expired event."""
    return {"sessionId": "sess-1", "timestamp": TS, "candidateEmail": CANDIDATE_EMAIL,
            "candidateName": CANDIDATE_NAME, "inviteLink": INVITE_LINK,
            "expiresAt": "2025-11-20T10:00:00Z", **overrides}


def evaluation(**overrides: Any) -> dict[str, Any]:
    """``data`` of an evaluation-complete event."""
    return {"sessionId": "sess-1", "timestamp": TS, "candidateId": "cand-42",
            "evaluationId": "eval-7", "overallScore": 77.5, **overrides}


def make_settings(**overrides: Any) -> Settings:
    """Settings with every notification field explicit, so the environment cannot leak in."""
    values: dict[str, Any] = {
        "smtp_host": "localhost", "smtp_port": 25, "smtp_username": None, "smtp_password": None,
        "smtp_starttls": False, "email_from": "InterviewLM <no-reply@interviewlm.test>",
        "webhook_url": "https://hooks.customer.test/interviewlm",
        "webhook_secret": WEBHOOK_SECRET,
        "slack_webhook_url": "https://hooks.slack.test/services/T0/B0/xyz",
        "recruiter_email": RECRUITER,
    }
    values.update(overrides)
    return Settings(**values)


def notifications_count(channel: str, outcome: str) -> float:
    """Current value of ``interviewlm_notifications_total{channel, outcome}``."""
    from runtime.metrics import REGISTRY

    value = REGISTRY.get_sample_value("interviewlm_notifications_total",
                                      {"channel": channel, "outcome": outcome})
    return value or 0.0
