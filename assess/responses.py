"""Scored responses as analysts hand them in: JSON lines, validated, no I/O.

Each line is one object ``{"sessionId": str, "questionId": str, "score": 0 or 1}``;
for DIF it also carries ``"group": str``. Blank lines are skipped. Errors name the
line number and the field, so a bad export is fixed at its source.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

__all__ = ["InvalidResponses", "ScoredResponse", "parse_response_lines"]


class InvalidResponses(ValueError):
    """A response line is not JSON, misses a field or has a value out of range."""


@dataclass(frozen=True, slots=True)
class ScoredResponse:
    """One respondent's score (0-1) on one question; ``group`` only for DIF input."""

    session_id: str
    question_id: str
    score: float
    group: str | None = None


def _text(obj: dict[str, object], key: str, number: int) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidResponses(f"line {number}: {key!r} must be a non-empty string")
    return value


def _score(obj: dict[str, object], number: int, binary: bool) -> float:
    value = obj.get("score")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidResponses(f"line {number}: 'score' must be a number")
    score = float(value)
    allowed = score in (0.0, 1.0) if binary else math.isfinite(score) and 0.0 <= score <= 1.0
    if not allowed:
        wanted = "0 or 1" if binary else "in [0, 1]"
        raise InvalidResponses(f"line {number}: 'score' must be {wanted}, got {value!r}")
    return score


def parse_response_lines(text: str, *, with_group: bool = False,
                         binary: bool = True) -> list[ScoredResponse]:
    """Validated responses from JSON-lines ``text``; ``with_group`` requires ``group``."""
    out: list[ScoredResponse] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidResponses(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InvalidResponses(f"line {number}: expected a JSON object")
        group = _text(obj, "group", number) if with_group else None
        out.append(ScoredResponse(_text(obj, "sessionId", number),
                                  _text(obj, "questionId", number),
                                  _score(obj, number, binary), group))
    if not out:
        raise InvalidResponses("no responses in the input")
    return out
