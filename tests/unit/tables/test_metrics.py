"""The session_metrics row is shaped once, from the state, with exactly the table's columns."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from streams.events import Event
from tables.metrics import JSON_COLUMNS, METRIC_COLUMNS, session_metrics
from tables.reducer import metrics_row
from tables.state import SessionState
from tests.unit.tables.builders import answer, chat, complete, fold, run, started

MIGRATIONS = Path(__file__).resolve().parents[3] / "adapters" / "db" / "migrations"


def _session() -> SessionState:
    events: list[Event] = [started(0), chat(10, "help me"), run(30, 2, 3),
                           answer(40, "q1", correct=True), complete(100)]
    state = fold(events).state
    assert state is not None
    return state


def test_the_row_has_every_column_in_order_and_nothing_else() -> None:
    row = session_metrics(_session())
    assert tuple(row) == METRIC_COLUMNS
    assert METRIC_COLUMNS[0] == "session_id" and set(METRIC_COLUMNS) > JSON_COLUMNS


def test_every_column_exists_in_the_migrations() -> None:
    sql = " ".join(p.read_text() for p in sorted(MIGRATIONS.glob("*.sql")))
    assert [c for c in METRIC_COLUMNS if f" {c} " not in sql] == []


def test_the_row_carries_the_reducer_figures_and_the_bookkeeping() -> None:
    state = _session()
    row, figures = session_metrics(state), metrics_row(state)
    for column in METRIC_COLUMNS:
        if column in figures:
            assert row[column] == figures[column], column  # type: ignore[literal-required]
    assert row["details"] == {k: figures[k] for k in
                              ("indicator_details", "ai_code_change_share", "test_runs")}
    assert row["event_counts"] == state.event_counts and row["session_id"] == state.session_id
    assert isinstance(row["started_at"], datetime) and row["started_at"].tzinfo is not None
    assert row["completed_at"] == datetime.fromisoformat(state.completed_at or "")
    for column in JSON_COLUMNS:
        json.dumps(row[column])  # type: ignore[literal-required]


def test_a_fresh_session_has_empty_json_columns_and_no_times() -> None:
    row = session_metrics(SessionState("s"))
    assert (row["struggle_indicators"], row["event_counts"]) == ([], {})
    assert row["started_at"] is None and row["completed_at"] is None
    assert row["theta"] is None and row["events_applied"] == 0
