"""What PostgreSQL refuses, caught while a message is decoded.

A message that passes validation is written to PostgreSQL: the recording keeps
its JSON as ``jsonb``, ids go to ``text`` columns, times to ``timestamptz``. A
value the database refuses would fail the whole batch write, so it is caught here,
before any batch exists:

* **non-finite numbers** (``NaN``, ``Infinity``, and literals that overflow a
  double, such as ``1e400``) anywhere in the message, known field or not, since
  the whole message is stored as ``jsonb``, which has no NaN; likewise literals
  that underflow to zero (``1e-400``) or are longer than :data:`MAX_NUMBER_CHARS`
  (``numeric`` refuses more than 16,383 decimals): **rejected**;
* **NUL** (U+0000) and **lone surrogates** (U+D800-U+DFFF unpaired), which
  neither ``text`` nor ``jsonb`` can hold. In the recording's content, the text a
  candidate or the assistant wrote (:data:`REPAIRABLE`: chat messages, file
  contents, test output, answers), each one is **replaced** by U+FFFD and the
  repair is recorded (its field, kind and count; the interview agent stores the
  original bytes next to the repaired JSON), so no keystroke is lost and nothing
  is altered silently. Anywhere else (ids, names, links, enum values, object keys,
  fields we do not know) the message is **rejected**: an altered id would merge or
  split identities, and we do not alter data whose meaning we do not know;
* a byte-order mark or any text that is not UTF-8: rejected (as malformed).

Timestamps are bounded in :mod:`streams.events`. Rejections are
:class:`~streams.errors.UnstorableValue` (reason ``unstorable``) naming the field.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from streams.errors import MalformedMessage, UnstorableValue

__all__ = ["MAX_NUMBER_CHARS", "REPAIRABLE", "REPLACEMENT", "Repair", "parse", "repair_text"]

#: Longest number literal accepted (characters). A double needs about 25; PostgreSQL's
#: ``numeric`` refuses literals with more than 16,383 decimals.
MAX_NUMBER_CHARS = 1000
#: What a NUL or lone surrogate in the recording's content becomes.
REPLACEMENT = "\ufffd"

#: Per event type, the fields whose text is repaired rather than rejected ("*": every
#: value of that object). These are the recording's content: what the candidate typed,
#: what the assistant answered, the code and the test output.
REPAIRABLE: dict[str, frozenset[tuple[str, ...]]] = {
    "ai-interaction": frozenset({("data", "candidateMessage"), ("data", "aiResponse")}),
    "code-changed": frozenset({("data", "files", "*")}),
    "test-run": frozenset({("data", "output")}),
    "question-answered": frozenset({("data", "answer")}),
    "session-complete": frozenset({("data", "finalCode", "*")}),
}

_UNSTORABLE_CHARS = re.compile("[\x00\ud800-\udfff]")
#: In JSON text, a NUL or surrogate can only arrive as a \\u escape (raw control
#: characters and non-UTF-8 bytes are refused before): look for one before walking.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


@dataclass(frozen=True, slots=True)
class Repair:
    """One field whose NULs or lone surrogates were replaced by U+FFFD."""

    field: str  # e.g. "data.files[\"a.py\"]"
    kind: str  # "nul" or "lone_surrogate"
    count: int

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind, "count": self.count}


class _Refused(Exception):
    """A number literal PostgreSQL cannot store; raised by the strict decoder's hooks."""


def _refuse_constant(literal: str) -> Any:
    raise _Refused(literal)


def _checked_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value) or len(literal) > MAX_NUMBER_CHARS or (
            value == 0.0 and any(c in "123456789" for c in literal.partition("e")[0]
                                 .partition("E")[0])):
        raise _Refused(literal)
    return value


_STRICT = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_checked_float)


def parse(raw: bytes) -> tuple[dict[str, Any], str]:
    """UTF-8 JSON object -> ``(object, text)``; numbers PostgreSQL refuses are rejected.

    Raises :class:`MalformedMessage` (not UTF-8, not JSON, too deep, a BOM) or
    :class:`UnstorableValue` naming the first refused number's field.
    """
    try:
        text = raw.decode("utf-8")  # strict: no BOM sniffing, no surrogatepass
        if text.startswith("\ufeff"):
            raise MalformedMessage("starts with a byte-order mark: send UTF-8 JSON without one")
        obj = _STRICT.decode(text)
    except _Refused:
        raise _number_error(text) from None
    except UnicodeDecodeError as exc:
        raise MalformedMessage(f"not valid UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise MalformedMessage("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, or an integer over Python's 4,300 digits
        raise MalformedMessage(f"not valid UTF-8 JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise MalformedMessage('message must be a JSON object {"type", "data"} (or a BullMQ '
                               'job {"name", "data", "opts"})')
    return obj, text


class _Bad:
    """Stands in for a refused number so the slow path can say where it was."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _tolerant_float(literal: str) -> Any:
    try:
        return _checked_float(literal)
    except _Refused:
        return _Bad(literal)


_TOLERANT = json.JSONDecoder(parse_constant=_Bad, parse_float=_tolerant_float)


def _number_error(text: str) -> UnstorableValue:
    """Decode again, marking refused numbers, and name the first one's field."""
    obj = _TOLERANT.decode(text)
    event_type = obj.get("type") if isinstance(obj, dict) else None
    for path, _, _, value in _walk(obj):
        if isinstance(value, _Bad):
            shown = value.literal if len(value.literal) <= 40 else value.literal[:40] + "..."
            return UnstorableValue(
                f"{_field(path)}: the number {shown} cannot be stored (PostgreSQL's jsonb has "
                "no NaN or Infinity; finite numbers must fit a double)", fields=(_field(path),),
                event_type=event_type if isinstance(event_type, str) else None)
    return UnstorableValue("a number cannot be stored")  # pragma: no cover - found above


def repair_text(obj: dict[str, Any], text: str | None, event_type: str) -> tuple[Repair, ...]:
    """Replace NULs and lone surrogates in repairable fields of ``obj`` (in place).

    Returns what was repaired; raises :class:`UnstorableValue` for one found
    anywhere else. ``text`` is the JSON ``obj`` was parsed from: the walk then only
    runs when it holds a ``\\u0000`` or surrogate escape (cheap for almost every
    message). With ``text=None`` (an object built otherwise, e.g. a normalised BullMQ
    job) every value is checked, numbers too.
    """
    if text is not None and not _SUSPECT_ESCAPE.search(text):
        return ()
    allowed = REPAIRABLE.get(event_type, frozenset())
    repairs: list[Repair] = []
    for path, parent, slot, value in _walk(obj):
        if isinstance(value, float) and not math.isfinite(value):
            raise UnstorableValue(f"{_field(path)}: the number {value} cannot be stored "
                                  "(PostgreSQL's jsonb has no NaN or Infinity)",
                                  fields=(_field(path),))
        if not isinstance(value, str) or not _UNSTORABLE_CHARS.search(value):
            continue
        is_key = slot is None
        if is_key or not _repairable(path, allowed):
            where = "a key of " + _field(path[:-1]) if is_key else _field(path)
            raise UnstorableValue(
                f"{where or 'the message'}: contains {_describe(value)}, which PostgreSQL "
                "cannot store; only the recording's text content is repaired, never ids, "
                "names, keys or unknown fields", fields=(_field(path),))
        parent[slot] = _UNSTORABLE_CHARS.sub(REPLACEMENT, value)
        repairs += _counted(_field(path), value)
    return tuple(repairs)


def _repairable(path: tuple[str | int, ...], allowed: frozenset[tuple[str, ...]]) -> bool:
    if path in allowed:
        return True
    return len(path) >= 1 and (*path[:-1], "*") in allowed and isinstance(path[-1], str)


def _counted(field: str, value: str) -> list[Repair]:
    nul = value.count("\x00")
    surrogates = len(_UNSTORABLE_CHARS.findall(value)) - nul
    return ([Repair(field, "nul", nul)] if nul else []) + (
        [Repair(field, "lone_surrogate", surrogates)] if surrogates else [])


def _describe(value: str) -> str:
    return "U+0000 (NUL)" if "\x00" in value else "a lone surrogate (U+D800-U+DFFF)"


def _walk(obj: Any) -> Any:
    """``(path, parent, slot, value)`` for every value and key, iteratively (JSON may be
    nested as deep as the parser allows). For a key, ``slot`` is None and the path ends
    with the key itself."""
    stack: list[tuple[tuple[str | int, ...], Any, Any, Any]] = [((), None, None, obj)]
    while stack:
        path, parent, slot, value = stack.pop()
        yield path, parent, slot, value
        if isinstance(value, dict):
            for key, item in value.items():
                yield (*path, key), value, None, key
                stack.append(((*path, key), value, key, item))
        elif isinstance(value, list):
            stack.extend(((*path, i), value, i, item) for i, item in enumerate(value))


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _field(path: tuple[str | int, ...]) -> str:
    """``("data", "files", "a.py", 0)`` -> ``data.files["a.py"][0]``; always ASCII, so the
    name is safe in a Kafka header or a text column even when the key itself is not."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out
