"""BullMQ shapes normalised to the envelope: jobs, data with a type header, comprehensive."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.bullmq import PRIORITY_WORDS, key_verdict, normalise
from streams.codec import decode, decode_normalised
from streams.errors import MalformedMessage
from streams.events import Analyze, Comprehensive
from streams.schema import generate_schemas

CHAT = {"sessionId": "rec_9", "timestamp": "2026-01-05T10:00:00.000Z",
        "candidateMessage": "I'm stuck... can you help", "aiResponse": "Sure",
        "toolsUsed": [], "filesModified": []}


def raw(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def test_envelope_passes_through_unchanged() -> None:
    body = raw({"type": "ai-interaction", "data": CHAT})
    event, normalised = decode_normalised(body, topic="interview")
    assert normalised is body and event.event_id is None and event.opts is None


def test_job_shape_keeps_job_id_as_event_id_and_priority() -> None:
    job = {"name": "analyze", "data": {"sessionId": "rec_9", "candidateId": "cand_1",
                                       "timestamp": "2026-01-05T10:00:00.000Z"},
           "opts": {"removeOnComplete": True, "priority": 5, "jobId": "rec_9_analyze",
                    "attempts": 3}}
    event, normalised = decode_normalised(raw(job), topic="evaluation")
    assert isinstance(event, Analyze) and event.event_id == "rec_9_analyze"
    assert event.data.priority == 5 and event.opts is not None and event.opts.priority == 5
    assert json.loads(normalised) == {
        "type": "analyze", "eventId": "rec_9_analyze",
        "opts": {"jobId": "rec_9_analyze", "priority": 5},
        "data": {**job["data"], "priority": 5}}
    assert decode(normalised, topic="evaluation") == event, "the envelope decodes the same"


def test_data_priority_wins_over_opts_priority() -> None:
    job = {"name": "analyze", "data": {"sessionId": "s", "candidateId": "c", "priority": 9,
                                       "timestamp": "2026-01-05T10:00:00Z"},
           "opts": {"priority": 2}}
    assert decode(raw(job), topic="evaluation").data.priority == 9  # type: ignore[union-attr]


def test_job_as_json_with_string_data_and_auto_id() -> None:
    job = {"id": "17", "name": "ai-interaction", "data": json.dumps(CHAT), "opts": {}}
    event = decode(raw(job), topic="interview")
    assert event.type == "ai-interaction" and event.event_id == "17"


def test_data_with_type_header() -> None:
    headers = (("type", b"ai-interaction"), ("jobId", b"rec_9_ai-interaction_1736071200000"))
    event, normalised = decode_normalised(raw(CHAT), topic="interview", headers=headers)
    assert event.event_id == "rec_9_ai-interaction_1736071200000"
    assert json.loads(normalised)["data"] == CHAT
    with pytest.raises(MalformedMessage, match="type"):
        decode(raw(CHAT), topic="interview")


@pytest.mark.parametrize(("word", "level"), sorted(PRIORITY_WORDS.items()))
def test_comprehensive_maps_triggered_at_and_priority_words(word: str, level: int) -> None:
    job = {"name": "comprehensive", "data": {
        "sessionId": "cand_1", "candidateId": "cand_1", "triggeredAt": "2026-01-05T10:00:00Z",
        "priority": word, "backend": "langgraph", "experimentId": "exp-3"},
        "opts": {"priority": 1, "attempts": 3}}
    event = decode(raw(job), topic="evaluation")
    assert isinstance(event, Comprehensive) and event.data.priority == level
    assert event.data.timestamp.isoformat() == "2026-01-05T10:00:00+00:00"
    assert event.opts is not None and event.opts.priority == 1, "BullMQ's own rank is kept"
    assert 1 <= PRIORITY_WORDS["low"] < PRIORITY_WORDS["normal"] < PRIORITY_WORDS["high"] <= 10


def test_comprehensive_without_priority_is_normal() -> None:
    envelope = {"type": "comprehensive", "data": {
        "sessionId": "cand_1", "candidateId": "cand_1", "triggeredAt": "2026-01-05T10:00:00Z"}}
    assert decode(raw(envelope), topic="evaluation").data.priority == 5  # type: ignore[union-attr]


@pytest.mark.parametrize(("key", "verdict"), [
    (b"rec_9", "ok"), (None, "rekey"), (b"", "rekey"), (b"rec_9_ai-interaction_1736071200000",
                                                        "rekey"),
    (b"rec_9_session-complete", "rekey"), (b"42", "rekey"), (b"job-7", "rekey"),
    (b"rec_10", "bad"), (b"rec_10_analyze", "bad"), (b"other", "bad")])
def test_key_verdicts(key: bytes | None, verdict: str) -> None:
    assert key_verdict(key, "rec_9", "job-7") == verdict


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=12)


@given(st.dictionaries(st.sampled_from(["type", "name", "data", "opts", "id", "x"]),
                       json_values, max_size=5),
       st.lists(st.tuples(st.sampled_from(["type", "jobId", "priority", "other"]),
                          st.binary(max_size=8)), max_size=3))
def test_normalise_never_raises_and_is_idempotent(obj: dict[str, Any],
                                                  headers: list[tuple[str, bytes]]) -> None:
    once = normalise(obj, headers)
    assert isinstance(once, dict)
    if "type" in once:
        assert normalise(once) == normalise(once, headers)


@given(st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s),
       st.integers(min_value=1, max_value=10))
def test_any_job_id_becomes_the_event_id(job_id: str, priority: int) -> None:
    job = {"name": "analyze", "data": {"sessionId": "s", "candidateId": "c",
                                       "timestamp": "2026-01-05T10:00:00Z"},
           "opts": {"jobId": job_id, "priority": priority}}
    event = decode(raw(job), topic="evaluation")
    assert event.event_id == job_id and event.data.priority == priority  # type: ignore[union-attr]


def test_bullmq_shapes_validate_against_their_schemas() -> None:
    schemas = generate_schemas()
    job = {"name": "analyze", "data": {"sessionId": "s", "candidateId": "c",
                                       "timestamp": "2026-01-05T10:00:00Z"},
           "opts": {"jobId": "s_analyze", "priority": 5}}
    jsonschema.validate(job, schemas["bullmq-job.schema.json"])
    jsonschema.validate(CHAT, schemas["bullmq-data.schema.json"])
    platform = {"sessionId": "cand_1", "candidateId": "cand_1",
                "triggeredAt": "2026-01-05T10:00:00Z", "priority": "high"}
    jsonschema.validate(platform, schemas["bullmq-comprehensive.schema.json"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**job, "name": "nope"}, schemas["bullmq-job.schema.json"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**platform, "priority": "urgent"},
                            schemas["bullmq-comprehensive.schema.json"])
