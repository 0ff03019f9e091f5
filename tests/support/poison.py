"""Hypothesis strategies for messages with hostile values in any field.

A message starts as a valid event of some type (the contract examples), then a few
of its values, anywhere (known fields, nested values, object keys, the envelope's
``eventId``, fields we do not know), are replaced by text with NULs and lone
surrogates, non-finite or extreme numbers, or timestamps at the ends of what
Python and PostgreSQL can represent. It is serialised the way a careless producer
would: ``json.dumps`` writes NaN and Infinity as bare literals and surrogates as
``\\u`` escapes.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from tests.unit.streams.test_contract import message

__all__ = ["hostile_message", "hostile_value", "session_of"]

_SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
_ANY_CHAR = st.characters(codec=None, categories=None) | _SURROGATE | st.just("\x00")
hostile_text = st.text(_ANY_CHAR, max_size=10) | st.sampled_from(
    ["\x00", "\ud800", "a\udfffb", "\x00\ud83d", "\ud83d\ude00", "\ufeff", "\uffff", ""])
hostile_number = (st.floats(allow_nan=True, allow_infinity=True)
                  | st.integers(-(10**30), 10**30)
                  | st.sampled_from([0, -1, 2**31, 2**63, 10**400, 1e-320, 5e-324, 1e308]))
_offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda m: timezone(timedelta(minutes=m)))
hostile_stamp = (st.datetimes(timezones=_offsets).map(datetime.isoformat)
                 | st.sampled_from(["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                                    "1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z",
                                    "2026-01-01T00:00:00", "2026-02-30T00:00:00Z"])
                 | st.floats(-1e12, 1e12)
                 | st.just(datetime(2026, 1, 5, tzinfo=UTC).isoformat()))
_leaf = (hostile_text | hostile_number | hostile_stamp | st.booleans() | st.none())
hostile_value = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    hostile_text, inner, max_size=3), max_leaves=5)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every value's path in ``obj`` (dict keys and list indexes)."""
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += _paths(value, (*prefix, i))
    return out


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        obj = obj[part]
    return obj


def _set(obj: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        obj = obj[part]
    obj[path[-1]] = value


def _rename(obj: Any, path: tuple[Any, ...], new_key: str) -> None:
    """Rename the key at ``path`` (a dict member) to ``new_key``."""
    for part in path[:-1]:
        obj = obj[part]
    if isinstance(obj, dict) and path[-1] in obj:
        obj[new_key] = obj.pop(path[-1])


@st.composite
def hostile_message(draw: st.DrawFn, event_types: list[str], session: str) -> bytes:
    """A message of one of ``event_types`` for ``session`` with 0-3 hostile values."""
    event_type = draw(st.sampled_from(event_types))
    event = copy.deepcopy(message(event_type, sessionId=session))
    event["data"]["unknownField"] = "x"
    if draw(st.booleans()):
        event["eventId"] = draw(st.text(max_size=8))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(event)))
        if path == ("type",):
            continue  # another event type is a different (already tested) kind of bad
        kind = draw(st.integers(0, 4))
        current = _get(event, path)
        if kind == 0 and isinstance(path[-1], str):
            _rename(event, path, draw(hostile_text))
        elif kind == 1:  # a NUL or surrogate inside some real text
            texts = [p for p in _paths(event) if isinstance(_get(event, p), str)]
            path = draw(st.sampled_from(texts))
            current = _get(event, path)
            at = draw(st.integers(0, len(current)))
            bad = draw(st.sampled_from(["\x00", "\ud800", "\udfff", "\x00\ud83d"]))
            _set(event, path, current[:at] + bad + current[at:])
        else:
            _set(event, path, draw(hostile_value))
    return json.dumps(event).encode()


def session_of(raw: bytes) -> bytes | None:
    """The Kafka key a producer would use: the session id, when there is a usable one."""
    try:
        session = json.loads(raw)["data"]["sessionId"]
        return session.encode() if isinstance(session, str) and session else None
    except (ValueError, KeyError, TypeError, UnicodeEncodeError):
        return None
