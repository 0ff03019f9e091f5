"""The active-sessions count from stored batches: started-not-completed sessions,
minus revoked partitions and idle sessions, against a plain-dict model."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from adapters.db.interview_repo import EventRow, InterviewWrites
from agents.active_sessions import ActiveSessions

TS = datetime(2024, 5, 1, tzinfo=UTC)


def _writes(rows: list[tuple[str, int, bool, bool]]) -> InterviewWrites:
    """``(session, partition, started, completed)`` -> one batch's writes."""
    writes = InterviewWrites()
    for i, (session, partition, started, completed) in enumerate(rows):
        writes.events.append(EventRow(f"k{i}", "t.interview", partition, i, session,
                                      "test-run", TS, "{}"))
        writes.metrics[session] = {"session_id": session,
                                   "started_at": "2024-05-01T10:00:00Z" if started else None,
                                   "completed_at": "2024-05-01T11:00:00Z" if completed
                                   else None}
    return writes


def test_started_counts_until_completed() -> None:
    active = ActiveSessions()
    assert active.observe(_writes([("a", 0, True, False), ("b", 1, True, False)])) == 2
    assert active.observe(_writes([("a", 0, True, True)])) == 1
    assert active.observe(_writes([("c", 2, False, False)])) == 1  # not started: not counted


def test_revoked_partitions_and_idle_sessions_are_dropped() -> None:
    now = [0.0]
    active = ActiveSessions(idle_seconds=60, clock=lambda: now[0])
    active.observe(_writes([("a", 0, True, False), ("b", 1, True, False)]))
    assert active.revoke([("t.interview", 1), ("other", 0)]) == 1
    now[0] = 30.0
    active.observe(_writes([("c", 3, True, False)]))
    now[0] = 61.0  # "a" last seen at 0 s, "c" at 30 s
    assert active.observe(InterviewWrites()) == 1


batch = st.lists(st.tuples(st.sampled_from("abcdefg"), st.integers(0, 3), st.booleans(),
                           st.booleans()), max_size=8)


@given(st.lists(st.one_of(batch, st.sets(st.integers(0, 3))), max_size=12))
def test_matches_a_model_of_the_latest_row_per_session(steps: list[object]) -> None:
    active = ActiveSessions()
    model: dict[str, int] = {}
    for step in steps:
        if isinstance(step, set):
            count = active.revoke(("t.interview", p) for p in step)
            model = {s: p for s, p in model.items() if p not in step}
        else:
            assert isinstance(step, list)
            writes = _writes(step)
            count = active.observe(writes)
            partition = {e.session_id: e.partition for e in writes.events}
            for session, row in writes.metrics.items():
                if row["started_at"] and not row["completed_at"]:
                    model[session] = partition[session]
                else:
                    model.pop(session, None)
        assert count == len(model) == len(active)
