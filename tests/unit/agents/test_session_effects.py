"""Follow-up commands are built from the contract's models and decode back to the effect."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agents.session_effects import follow_up_messages
from streams.codec import decode
from streams.events import AdjustDifficulty, Analyze
from streams.topics import TopicNames
from tables.reducer import Position, PublishAdjustDifficulty, RequestEvaluation

NAMES = TopicNames("t.")
POSITION = Position("t.interview", 3, 41)
logits = st.floats(-10, 10, allow_nan=False)


@given(theta=logits, se=st.floats(0.01, 3), level=st.integers(1, 10),
       previous=st.integers(1, 10))
def test_adjust_difficulty_round_trips_through_the_contract(theta: float, se: float,
                                                            level: int, previous: int) -> None:
    effect = PublishAdjustDifficulty("s-1", "2025-03-01T09:00:50+00:00", level, previous,
                                     theta, se, theta - 1.96 * se, theta + 1.96 * se,
                                     "theta moved")
    [out] = follow_up_messages([effect], POSITION, NAMES)
    event = decode(out.value, topic="interview")
    assert isinstance(event, AdjustDifficulty) and out.topic == "t.interview"
    assert out.key == b"s-1" and event.event_id == "adjust-difficulty:t.interview:3:41"
    data = event.data
    assert (data.new_difficulty, data.previous_difficulty, data.reason) == (
        level, previous, "theta moved")
    assert (data.irt_theta, data.irt_se) == (theta, se)
    assert (data.confidence_low, data.confidence_high) == (effect.low, effect.high)
    assert data.timestamp.isoformat() == "2025-03-01T09:00:50+00:00"


def test_analyze_goes_to_the_evaluation_topic_with_a_stable_id() -> None:
    effect = RequestEvaluation("s-2", "c-9", "2025-03-01T10:00:00+00:00")
    first = follow_up_messages([effect], POSITION, NAMES)
    assert first == follow_up_messages([effect], POSITION, NAMES)  # a redelivery: same bytes
    [out] = first
    event = decode(out.value, topic="evaluation")
    assert isinstance(event, Analyze) and out.topic == "t.evaluation" and out.key == b"s-2"
    assert (event.data.candidate_id, event.data.priority) == ("c-9", 1)
    assert event.event_id == "analyze:t.interview:3:41"


def test_other_effects_send_nothing() -> None:
    assert follow_up_messages([object()], POSITION, NAMES) == []
