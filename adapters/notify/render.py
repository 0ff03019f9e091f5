"""Rendering: e-mail bodies from the templates in ``templates/``, and Slack messages.

Templates use :class:`string.Template` (``$name`` placeholders) so no template
engine is needed. Every e-mail has a plain-text and an HTML part; the HTML part
is a fragment per event type wrapped in ``_layout.html``. Values are
HTML-escaped for the HTML part and mrkdwn-escaped for Slack, so a candidate
name or id can never inject markup.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from string import Template

from adapters.notify.models import EmailContent, JsonPayload

__all__ = ["SUBJECTS", "format_instant", "format_score", "load_template", "render_email",
           "render_slack_evaluation"]

#: Subject line per event type; placeholders as in the body templates.
SUBJECTS: dict[str, Template] = {
    "interview-invited": Template("You're invited to an InterviewLM interview"),
    "interview-reminder": Template("Reminder: your InterviewLM interview invitation expires "
                                   "on $expires_at"),
    "interview-expired": Template("Your InterviewLM interview invitation has expired"),
    "evaluation-complete": Template("Evaluation complete: candidate $candidate_id scored "
                                    "$overall_score"),
}


@lru_cache(maxsize=32)
def load_template(name: str) -> Template:
    """The template file ``templates/<name>``, read once per process."""
    source = files("adapters.notify").joinpath("templates", name).read_text("utf-8")
    return Template(source)


def format_instant(moment: datetime) -> str:
    """A human-readable UTC instant for message bodies, e.g. ``20 Nov 2025, 10:00 UTC``."""
    return moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def format_score(score: float) -> str:
    """A score with at most one decimal and no trailing ``.0``: ``77.5``, ``80``."""
    return f"{round(score, 1):g}"


def render_email(event_type: str, to: str, values: Mapping[str, str]) -> EmailContent:
    """Subject, text and HTML for ``event_type`` with ``values`` substituted.

    ``values`` holds display strings (already formatted); they are escaped here
    for the HTML part only.
    """
    subject = SUBJECTS[event_type].substitute(values)
    text = load_template(f"{event_type}.txt").substitute(values)
    escaped = {key: html.escape(value, quote=True) for key, value in values.items()}
    content = load_template(f"{event_type}.html").substitute(escaped)
    page = load_template("_layout.html").substitute(
        title=html.escape(subject, quote=True), content=content)
    return EmailContent(to=to, subject=subject, text=text, html=page)


def _mrkdwn(value: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_slack_evaluation(values: Mapping[str, str]) -> JsonPayload:
    """A Slack incoming-webhook message (``text`` fallback plus Block Kit ``blocks``)."""
    v = {key: _mrkdwn(value) for key, value in values.items()}
    text = (f"Evaluation complete for candidate {v['candidate_id']}: "
            f"overall score {v['overall_score']}")
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Evaluation complete"}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Candidate*\n{v['candidate_id']}"},
            {"type": "mrkdwn", "text": f"*Overall score*\n{v['overall_score']}"},
            {"type": "mrkdwn", "text": f"*Evaluation*\n`{v['evaluation_id']}`"},
            {"type": "mrkdwn", "text": f"*Session*\n`{v['session_id']}`"},
        ]},
        {"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"Completed {v['completed_at']}"},
        ]},
    ]
    return JsonPayload(body={"text": text, "blocks": blocks})

