"""Whatever PostgreSQL refuses is refused (or, in the recording's text, repaired) at decode."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.codec import decode, decode_message
from streams.errors import ContractError, MalformedMessage, UnstorableValue
from streams.events import EVENT_MODELS, TIMESTAMP_MAX, TIMESTAMP_MIN
from streams.storable import MAX_NUMBER_CHARS, REPAIRABLE, REPLACEMENT, parse
from tests.unit.streams.test_contract import EXAMPLES, message


def raw(event_type: str = "ai-interaction", **data: Any) -> bytes:
    return json.dumps(message(event_type, **data)).encode()


# ---- the five kinds from the field report, one by one ------------------------------
def test_nan_inside_an_ignored_field_is_rejected_naming_the_field() -> None:
    with pytest.raises(UnstorableValue) as err:
        decode(raw(extra={"scores": [1.0, float("nan")]}))
    assert err.value.reason == "unstorable"
    assert "data.extra.scores[1]" in err.value.message and "NaN" in err.value.message
    assert err.value.event_type == "ai-interaction"


@pytest.mark.parametrize("char, kind", [("\x00", "nul"), ("\ud800", "lone_surrogate")])
def test_nul_or_lone_surrogate_in_candidate_text_is_repaired_and_recorded(
        char: str, kind: str) -> None:
    body = raw(candidateMessage=f"before{char}after{char}")
    decoded = decode_message(body)
    assert decoded.event.data.candidate_message == f"before{REPLACEMENT}after{REPLACEMENT}"
    assert [r.as_json() for r in decoded.repairs] == [
        {"field": "data.candidateMessage", "kind": kind, "count": 2}]
    stored = json.loads(decoded.payload)
    assert stored["data"]["candidateMessage"] == f"before{REPLACEMENT}after{REPLACEMENT}"
    assert stored["data"]["aiResponse"] == EXAMPLES["ai-interaction"]["aiResponse"]


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                                   "1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z"])
def test_timestamps_outside_the_window_are_rejected(stamp: str) -> None:
    with pytest.raises(UnstorableValue, match="timestamp out of range"):
        decode(raw(timestamp=stamp))


@pytest.mark.parametrize("stamp", ["1970-01-01T00:00:00Z", "2199-12-31T23:59:59.999999Z",
                                   "2026-03-01T12:00:00+14:00"])
def test_timestamps_inside_the_window_are_accepted(stamp: str) -> None:
    assert decode(raw(timestamp=stamp)).data.timestamp == datetime.fromisoformat(stamp)


def test_the_invitation_expiry_is_bounded_too() -> None:
    with pytest.raises(UnstorableValue, match=r"data\.expiresAt"):
        decode(raw("interview-invited", expiresAt="9999-12-31T23:59:59-12:00"))


# ---- identifiers, keys and unknown fields are never altered -----------------------
@pytest.mark.parametrize("event_type, data, field", [
    ("ai-interaction", {"sessionId": "s\x00"}, "data.sessionId"),
    ("ai-interaction", {"toolsUsed": ["read\ud800"]}, "data.toolsUsed[0]"),
    ("ai-interaction", {"notes": "free text we do not know\x00"}, "data.notes"),
    ("code-changed", {"files": {"a\x00.py": "x"}}, "a key of data.files"),
    ("session-started", {"candidateId": "\udfff"}, "data.candidateId"),
    ("analyze", {"candidateId": "c\x00"}, "data.candidateId"),
    ("interview-invited", {"candidateName": "Ada\x00"}, "data.candidateName"),
    ("generate-report", {"evaluationId": "e\ud83d"}, "data.evaluationId"),
])
def test_nul_or_surrogate_outside_recording_text_is_rejected(
        event_type: str, data: dict[str, Any], field: str) -> None:
    with pytest.raises(UnstorableValue) as err:
        decode(raw(event_type, **data))
    assert err.value.message.startswith(field)
    err.value.message.encode()  # the reason itself can go in a header


def test_a_bad_key_is_named_in_ascii() -> None:
    with pytest.raises(UnstorableValue) as err:
        decode(raw("code-changed", files={"ok.py": "", "b\ud800": "x"}))
    assert "\\ud800" not in err.value.message  # only the parent is named
    assert err.value.fields == ('data.files["b\\ud800"]',)


def test_a_surrogate_pair_is_a_character_not_a_poison() -> None:
    body = b'{"type":"ai-interaction","data":{"sessionId":"s","timestamp":"2026-01-01T00:00:00Z"' \
           b',"candidateMessage":"\\ud83d\\ude00","aiResponse":""}}'
    decoded = decode_message(body)
    assert decoded.event.data.candidate_message == "\U0001f600" and not decoded.repairs
    assert decoded.payload == body.decode()  # stored exactly as received


# ---- numbers ---------------------------------------------------------------------
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e309",
                                     "1e-400", "0." + "0" * 400 + "1",
                                     "1." + "1" * MAX_NUMBER_CHARS])
def test_numbers_postgresql_cannot_store_are_rejected(literal: str) -> None:
    body = raw(extra=0).replace(b'"extra": 0', b'"extra": ' + literal.encode())
    with pytest.raises(UnstorableValue, match=r"data\.extra: the number"):
        decode(body)


@pytest.mark.parametrize("literal", ["0", "-0.0", "0e10", "5e-324", "1.7976931348623157e308",
                                     "9" * 4000])
def test_numbers_postgresql_can_store_are_accepted(literal: str) -> None:
    body = raw(extra=0).replace(b'"extra": 0', b'"extra": ' + literal.encode())
    assert decode_message(body).payload == body.decode()


def test_an_integer_past_pythons_digit_limit_is_malformed_not_a_crash() -> None:
    with pytest.raises(MalformedMessage):
        decode(raw(extra=0).replace(b'"extra": 0', b'"extra": ' + b"9" * 5000))


@pytest.mark.parametrize("body", [b"\xef\xbb\xbf{}", "{}".encode("utf-16"),
                                  b'{"type": "ai-interaction", "x": "\xed\xa0\x80"}'])
def test_bom_utf16_and_encoded_surrogates_are_malformed(body: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse(body)


@pytest.mark.parametrize("data", [{"passed": 10**9 + 1}, {"total": 10**30}])
def test_counts_are_bounded(data: dict[str, Any]) -> None:
    with pytest.raises(ContractError, match="less than or equal"):
        decode(raw("test-run", **data))


def test_durations_are_bounded() -> None:
    with pytest.raises(ContractError, match=r"data\.timeSpent"):
        decode(raw("question-answered", timeSpent=1e300))
    with pytest.raises(ContractError, match=r"data\.duration"):
        decode(raw("session-complete", duration=1e10))


def test_repairable_fields_name_real_string_fields() -> None:
    for event_type, paths in REPAIRABLE.items():
        data_model = EVENT_MODELS[event_type].model_fields["data"].annotation
        aliases = {f.alias for f in data_model.model_fields.values()}  # type: ignore[union-attr]
        for path in paths:
            assert path[0] == "data" and path[1] in aliases, (event_type, path)


# ---- property: any value in any field decodes to something storable, or is refused --
nasty_text = st.text(st.characters(codec=None, categories=None), max_size=12) | st.sampled_from(
    ["\x00", "\ud800", "a\udfffb", "\x00\ud83d", "\ud83d\ude00"])
nasty_number = st.floats(allow_nan=True, allow_infinity=True) | st.integers(
    -(10**40), 10**40) | st.sampled_from([10**400, 1e-320])
nasty_stamp = st.datetimes(timezones=st.timezones()).map(datetime.isoformat) | st.sampled_from(
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-01-01T00:00:00"])
leaf = nasty_text | nasty_number | nasty_stamp | st.booleans() | st.none()
nasty = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    nasty_text, inner, max_size=3), max_leaves=6)


def _strings_and_numbers(obj: Any) -> tuple[list[str], list[float]]:
    texts: list[str] = []
    numbers: list[float] = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, float):
            numbers.append(item)
        elif isinstance(item, dict):
            texts.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return texts, numbers


@settings(max_examples=600, deadline=None)
@given(event_type=st.sampled_from(sorted(EVENT_MODELS)), data=st.data(), value=nasty)
def test_whatever_decodes_is_storable(event_type: str, data: st.DataObject, value: Any) -> None:
    fields = ["sessionId", "timestamp", "unknownField", *EXAMPLES[event_type]]
    field = data.draw(st.sampled_from(fields))
    body = json.dumps(message(event_type, **{field: value})).encode()
    try:
        decoded = decode_message(body)
    except ContractError as exc:
        exc.message.encode()  # every reason is storable in a header and a text column
        return
    texts, numbers = _strings_and_numbers(json.loads(decoded.payload))
    assert not any("\x00" in t or any(0xD800 <= ord(c) <= 0xDFFF for c in t) for t in texts)
    assert all(math.isfinite(n) for n in numbers)
    json.dumps(decoded.event.model_dump(mode="json"), allow_nan=False)
    assert TIMESTAMP_MIN <= decoded.event.data.timestamp < TIMESTAMP_MAX
    if decoded.repairs:
        allowed = REPAIRABLE[event_type]
        assert all(r.field.split(".")[1].split("[")[0] in {p[1] for p in allowed}
                   for r in decoded.repairs)
    elif decoded.body is body:  # an envelope as received (not a normalised BullMQ shape)
        assert decoded.payload == body.decode()
