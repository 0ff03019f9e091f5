"""The recording is read in event-time order; what does not fit is flagged, not scored."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from assess.evaluation import score_session
from assess.recording import RecordedEvent, in_event_order, position
from tests.unit.assess.evaluation.sessions import GOOD_CODE, START, Recorder, good_session


def _scores(result: object) -> dict[str, float]:
    from assess.evaluation import Evaluation

    assert isinstance(result, Evaluation)
    return {"overall": result.overall_score,
            **{d.name: d.score for d in result.dimensions}}


def test_handing_the_events_over_reversed_changes_nothing() -> None:
    session = good_session()
    forward = score_session(session)
    backward = score_session(list(reversed(session)))
    assert backward.to_dict() == forward.to_dict()
    assert not forward.has_flag("events_out_of_order")


def test_events_applied_against_their_timestamps_are_scored_in_time_order_and_flagged() -> None:
    session = good_session()
    last = len(session) - 1
    # the broker applied them newest first: offsets run against the timestamps
    reapplied = [dataclasses.replace(e, event_id=f"interview:0:{500 + last - e.seq}")
                 for e in session]
    result = score_session(reapplied)
    assert _scores(result) == _scores(score_session(session))
    assert result.has_flag("events_out_of_order") and result.needs_review
    reason = next(f.reason for f in result.flags if f.code == "events_out_of_order")
    assert f"{last} event(s)" in reason and "interview:0:" in reason


def test_events_stamped_before_the_start_are_flagged_and_not_scored() -> None:
    honest = good_session()
    early = dataclasses.replace(honest[0], event_id="interview:0:99", seq=99, type="test-run",
                                timestamp=START - timedelta(seconds=30),
                                data={"sessionId": "sess-1", "passed": 10, "failed": 0,
                                      "total": 10, "output": "10 passed"})
    result = score_session([early, *honest])
    assert _scores(result) == _scores(score_session(honest))
    assert result.has_flag("events_outside_session") and result.needs_review
    assert "interview:0:99" in next(f.reason for f in result.flags
                                    if f.code == "events_outside_session")
    assert all(item.event_id != "interview:0:99"
               for d in result.dimensions for item in d.evidence)


def test_test_runs_whose_counts_do_not_add_up_are_flagged_and_not_scored() -> None:
    rec = Recorder()
    rec.start()
    rec.edit(60, GOOD_CODE)
    rec.add("test-run", 90, passed=30, failed=0, total=3, output="")
    rec.test(120, passed=10)
    rec.complete(600, GOOD_CODE)
    result = score_session(rec.events)
    assert result.has_flag("inconsistent_test_run") and result.needs_review
    without = [e for e in rec.events if e.seq != 2]
    assert result.dimension("code_quality").score == score_session(
        without).dimension("code_quality").score
    assert result.overall_score <= 100


def _event(offset: int, seconds: int) -> RecordedEvent:
    return RecordedEvent(f"interview:0:{offset}", 0, "code-changed",
                         START + timedelta(seconds=seconds), {})


def test_equal_timestamps_keep_the_kafka_order() -> None:
    events = [_event(7, 10), _event(3, 10), _event(5, 5)]
    ordered = in_event_order(events)
    assert [e.event_id for e in ordered.events] == [
        "interview:0:5", "interview:0:3", "interview:0:7"]
    assert [e.seq for e in ordered.events] == [0, 1, 2]
    assert ordered.report.out_of_order == ("interview:0:5",)
    assert position(RecordedEvent("hand-made", 4, "x", START)) == (1, 0, 4)


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 50)), min_size=1, max_size=30,
                unique_by=lambda pair: pair[0]))
def test_order_is_the_same_whatever_order_the_events_arrive_in(
        pairs: list[tuple[int, int]]) -> None:
    events = [_event(offset, seconds) for offset, seconds in pairs]
    once = in_event_order(events)
    again = in_event_order(list(reversed(events)))
    assert once == again
    stamps = [e.timestamp for e in once.events]
    assert stamps == sorted(stamps)
    in_time = sorted(pairs, key=lambda p: (p[1], p[0]))
    assert once.report.clean == (in_time == sorted(pairs))
