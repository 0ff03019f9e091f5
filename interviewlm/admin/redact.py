"""What the board may show of a message: its shape, ids and figures, never candidate text.

Pure. A payload keeps its structure, every number and boolean, and the strings of
an allowlist of keys (ids, types, times, enums); every other string becomes
``"[redacted: N characters]"``. Error texts keep their words but lose what
pydantic quotes back (``input_value=...``) and e-mail addresses. An operator can
thus see why a job failed and which session it belongs to, and a screenshot of
the board leaks no one's code, chat or address.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["SHOWN_KEYS", "redact_error", "redact_headers", "redact_payload"]

#: String values of these keys are shown as they are: ids, types, times and enums.
SHOWN_KEYS = frozenset({
    "type", "sessionId", "candidateId", "questionId", "eventId", "evaluationId",
    "reportId", "jobId", "timestamp", "startedAt", "completedAt", "difficulty", "priority",
    "format", "language", "model", "status", "channel", "questionSeed", "topic", "reason",
    "rubricVersion", "outcome", "mode", "kind", "templateId",
})
#: Our own headers, whose values are ids, counts, times and (scrubbed) error texts.
_OWN_HEADER = re.compile(r"^x-(dlq|attempt|due-at|origin|last-error|retry-of)")
_TOKEN = re.compile(r"^[A-Za-z0-9._:/@+=-]{0,120}$")
_INPUT_VALUE = re.compile(r"input_value=(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^,\]\s]+)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _hidden(text: str) -> str:
    return f"[redacted: {len(text)} characters]"


def _redact(value: Any, key: str | None) -> Any:
    if isinstance(value, dict):
        return {str(k): _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, key) for v in value]
    if isinstance(value, str):
        return value if key in SHOWN_KEYS and len(value) <= 200 else _hidden(value)
    return value  # numbers, booleans, null


def redact_payload(raw: bytes) -> tuple[str, bool]:
    """``(pretty JSON with text redacted, True)``, or a note and False when ``raw`` is
    not JSON (the bytes themselves are withheld: they may be anything)."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return (f"not valid UTF-8 JSON ({len(raw):,} bytes); the raw bytes are withheld "
                "because they may hold candidate text (interviewlm failed show ID prints "
                "them)", False)
    return json.dumps(_redact(value, None), indent=2, ensure_ascii=False), True


def redact_error(text: str) -> str:
    """An error message or stack trace without echoed input values or e-mail addresses."""
    text = _INPUT_VALUE.sub("input_value=[redacted]", text)
    return _EMAIL.sub("[e-mail redacted]", text)


def redact_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Our headers with error texts scrubbed; a foreign header only when it is a token."""
    shown = []
    for name, value in headers:
        if _OWN_HEADER.match(name):
            shown.append((name, redact_error(value)))
        elif _TOKEN.match(value):
            shown.append((name, value))
        else:
            shown.append((name, _hidden(value)))
    return shown
