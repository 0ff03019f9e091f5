"""The wire contract: every event type round-trips; each malformed input gets its error."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.codec import decode, encode, session_key
from streams.errors import InvalidEvent, MalformedMessage, MessageTooLarge, UnknownEventType
from streams.events import EVENT_MODELS
from streams.schema import SCHEMA_DIR, generate_schemas, render

TS = "2025-11-13T10:30:00Z"
INVITE = {"candidateEmail": "a@example.com", "candidateName": "Ada", "inviteLink":
          "https://app/x", "expiresAt": "2025-11-20T10:00:00Z"}

EXAMPLES: dict[str, dict[str, Any]] = {
    "ai-interaction": {"candidateMessage": "why does test_x fail?", "aiResponse": "check i",
                       "toolsUsed": ["read_file"], "filesModified": ["a.py"]},
    "code-changed": {"files": {"a.py": "print(1)\n"}, "trigger": "ai"},
    "test-run": {"passed": 3, "failed": 1, "total": 4, "coverage": 81.5, "output": "3 passed"},
    "question-answered": {"questionId": "q1", "answer": "42", "timeSpent": 120,
                          "isCorrect": True},
    "session-started": {"candidateId": "c1", "questionId": "q1", "difficulty": 5,
                        "questionSeed": "s"},
    "session-complete": {"candidateId": "c1", "questionId": "q1", "duration": 3600,
                         "finalCode": {"a.py": "x = 1\n"}},
    "adjust-difficulty": {"newDifficulty": 7, "irtTheta": 0.8, "reason": "strong"},
    "analyze": {"candidateId": "c1", "priority": 3},
    "comprehensive": {"candidateId": "c1", "priority": 8},
    "generate-report": {"evaluationId": "e1", "format": "html"},
    "evaluation-complete": {"candidateId": "c1", "evaluationId": "e1", "overallScore": 77.5},
    "interview-invited": INVITE,
    "interview-reminder": INVITE,
    "interview-expired": INVITE,
}


def message(event_type: str, **overrides: Any) -> dict[str, Any]:
    data = {"sessionId": "sess-1", "timestamp": TS, **EXAMPLES[event_type], **overrides}
    return {"type": event_type, "data": data}


def test_examples_cover_every_event_type() -> None:
    assert set(EXAMPLES) == set(EVENT_MODELS)


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_every_event_type_round_trips(event_type: str) -> None:
    original = message(event_type)
    event = decode(json.dumps(original).encode())
    assert event.type == event_type
    assert event.data.session_id == "sess-1"
    again = json.loads(encode(event))
    assert again["data"]["sessionId"] == "sess-1"
    assert again["data"]["timestamp"] == TS
    for key, value in EXAMPLES[event_type].items():
        assert again["data"][key] == value
    assert session_key(event) == b"sess-1"


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_examples_validate_against_generated_schema(event_type: str) -> None:
    schema = generate_schemas()[f"{event_type}.schema.json"]
    jsonschema.validate(message(event_type), schema)


def test_committed_schemas_are_current() -> None:
    for name, schema in generate_schemas().items():
        path = SCHEMA_DIR / name
        assert path.exists(), f"{name} missing: run python -m streams.schema"
        assert path.read_text() == render(schema), f"{name} is stale: run python -m streams.schema"


@pytest.mark.parametrize(
    ("raw", "error", "text"),
    [
        (b"{not json", MalformedMessage, "not valid UTF-8 JSON"),
        (b"\xff\xfe", MalformedMessage, "not valid UTF-8 JSON"),
        (b"[1, 2]", MalformedMessage, "JSON object"),
        (b'{"type": 5, "data": {}}', MalformedMessage, '"type" must be a string'),
        (b'{"type": "test-run", "data": []}', MalformedMessage, '"data" must be a JSON object'),
        (b'{"type": "launch-rocket", "data": {}}', UnknownEventType, "launch-rocket"),
    ],
)
def test_malformed_messages_name_the_problem(raw: bytes, error: type, text: str) -> None:
    with pytest.raises(error) as info:
        decode(raw)
    assert text in str(info.value)


def test_missing_session_id_names_the_field() -> None:
    msg = message("test-run")
    del msg["data"]["sessionId"]
    with pytest.raises(InvalidEvent) as info:
        decode(json.dumps(msg).encode())
    assert "data.sessionId: Field required" in str(info.value)
    assert info.value.fields == ("data.sessionId",)


def test_wrong_type_is_not_coerced() -> None:
    with pytest.raises(InvalidEvent) as info:
        decode(json.dumps(message("test-run", passed="3")).encode())
    assert "data.passed: Input should be a valid integer" in str(info.value)


@pytest.mark.parametrize(
    ("event_type", "field", "value", "text"),
    [
        ("session-started", "difficulty", 11, "data.difficulty"),
        ("code-changed", "trigger", "robot", "data.trigger"),
        ("test-run", "failed", -1, "data.failed"),
        ("analyze", "priority", 0, "data.priority"),
        ("test-run", "timestamp", "2025-11-13T10:30:00", "timezone"),
        ("test-run", "timestamp", "yesterday", "data.timestamp"),
        ("question-answered", "itemParams", {"a": 0, "b": 1}, "data.itemParams.a"),
        ("question-answered", "itemParams", {"a": 1, "b": 1, "c": 1.0}, "data.itemParams.c"),
    ],
)
def test_invalid_values_name_the_field(event_type: str, field: str, value: Any,
                                       text: str) -> None:
    with pytest.raises(InvalidEvent) as info:
        decode(json.dumps(message(event_type, **{field: value})).encode())
    assert text in str(info.value)


def test_size_limit_is_configurable() -> None:
    raw = json.dumps(message("test-run", output="x" * 5000)).encode()
    assert decode(raw, max_bytes=10_000).type == "test-run"
    with pytest.raises(MessageTooLarge) as info:
        decode(raw, max_bytes=2_000)
    assert "over the 2000-byte limit" in str(info.value)


def test_topic_restricts_types() -> None:
    raw = json.dumps(message("analyze")).encode()
    assert decode(raw, topic="evaluation").type == "analyze"
    with pytest.raises(UnknownEventType) as info:
        decode(raw, topic="interview")
    assert "on topic 'interview'" in str(info.value)


def test_unknown_data_fields_are_ignored_and_own_envelope_fields_optional() -> None:
    msg = message("test-run", futureField=1)
    msg["eventId"] = "e-1"
    event = decode(json.dumps(msg).encode())
    assert event.event_id == "e-1"
    assert decode(json.dumps(message("test-run")).encode()).event_id is None


@given(passed=st.integers(0, 50), failed=st.integers(0, 50), total=st.integers(0, 50))
def test_test_run_counts_must_fit_the_total(passed: int, failed: int, total: int) -> None:
    raw = json.dumps(message("test-run", passed=passed, failed=failed, total=total)).encode()
    if passed + failed <= total:
        event = decode(raw)
        assert (event.data.passed, event.data.failed, event.data.total) == (passed, failed, total)
        return
    with pytest.raises(InvalidEvent) as info:
        decode(raw)
    assert info.value.reason == "invalid"
    assert f"passed ({passed}) + failed ({failed}) exceeds total ({total})" in str(info.value)
