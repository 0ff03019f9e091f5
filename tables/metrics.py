"""One ``internal.session_metrics`` row per session state, shaped here and nowhere else.

:class:`SessionMetricsRow` declares the columns (its keys, in table order) and
:func:`session_metrics` fills them from a :class:`~tables.state.SessionState`: the
reducer's figures (:func:`~tables.state.metrics_row`), the session's bookkeeping,
and under ``details`` what has no column of its own. The db adapter writes the
row as given: it reads the column list and the JSON columns from this module and
only encodes values, so a new column is added in one place (plus its migration).

Units: theta and se in logits; avg_prompt_quality 1-5; ai_dependency 0-100;
avg_response_time seconds; test_failure_rate and ai_code_change_share 0-1.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from tables.state import SessionState, metrics_row

__all__ = ["JSON_COLUMNS", "METRIC_COLUMNS", "SessionMetricsRow", "session_metrics"]


class SessionMetricsRow(TypedDict):
    """The columns of ``internal.session_metrics`` we write, in order (never shown to
    candidates). ``details`` holds indicator_details, ai_code_change_share and
    test_runs."""

    session_id: str
    candidate_id: str | None
    theta: float | None
    se: float | None
    questions_answered: int
    correct: int
    incorrect: int
    ai_interactions: int
    avg_prompt_quality: float | None
    ai_dependency: float | None
    struggle_indicators: list[str]
    avg_response_time: float | None
    test_failure_rate: float | None
    current_difficulty: int | None
    recommended_difficulty: int | None
    estimate_stable: bool
    event_counts: dict[str, int]
    details: dict[str, Any]
    events_applied: int
    started_at: datetime | None
    completed_at: datetime | None
    bank_version: int | None


METRIC_COLUMNS: tuple[str, ...] = tuple(SessionMetricsRow.__annotations__)
#: Columns stored as ``jsonb``.
JSON_COLUMNS = frozenset({"struggle_indicators", "event_counts", "details"})
#: Reducer figures that go under ``details`` rather than a column.
_DETAILS = ("indicator_details", "ai_code_change_share", "test_runs")


def session_metrics(state: SessionState) -> SessionMetricsRow:
    """The ``session_metrics`` row for ``state``."""
    figures = metrics_row(state)
    return SessionMetricsRow(
        session_id=state.session_id,
        candidate_id=state.candidate_id,
        theta=figures["theta"],
        se=figures["se"],
        questions_answered=figures["questions_answered"],
        correct=figures["correct"],
        incorrect=figures["incorrect"],
        ai_interactions=figures["ai_interactions"],
        avg_prompt_quality=figures["avg_prompt_quality"],
        ai_dependency=figures["ai_dependency"],
        struggle_indicators=list(figures["struggle_indicators"]),
        avg_response_time=figures["avg_response_time"],
        test_failure_rate=figures["test_failure_rate"],
        current_difficulty=figures["current_difficulty"],
        recommended_difficulty=figures["recommended_difficulty"],
        estimate_stable=figures["estimate_stable"],
        event_counts=dict(state.event_counts),
        details={key: figures[key] for key in _DETAILS},
        events_applied=state.events_applied,
        started_at=_instant(state.started_at),
        completed_at=_instant(state.completed_at),
        bank_version=figures["bank_version"],
    )


def _instant(value: str | None) -> datetime | None:
    """State times are ISO-8601 strings; the column is ``timestamptz``."""
    return datetime.fromisoformat(value) if value else None
