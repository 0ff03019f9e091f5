"""Removing personal data from text before it leaves the process (e.g. to an LLM).

``scrub`` replaces e-mail addresses, URLs, phone numbers, and any known identifiers
(candidate ids, names, e-mails) with neutral placeholders. It is deterministic and
idempotent, so the same input always yields the same prompt. Names are matched as
whole words, case-insensitively; a full name also removes its parts (>= 3 letters),
because candidates often sign with a first name only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["IDENTITY_FIELDS", "identity_terms", "scrub"]

#: Event fields that say who the candidate is; scoring never reads them.
IDENTITY_FIELDS: tuple[str, ...] = ("candidateId", "candidateEmail", "candidateName")

EMAIL = "[email]"
URL = "[url]"
PHONE = "[phone]"
PERSON = "[candidate]"

_URL_RE = re.compile(
    r"\b(?:https?://|ftp://|www\.)[^\s<>\"'`)\]]*[^\s<>\"'`)\].,;:!?]", re.IGNORECASE)
_EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE_RE = re.compile(
    r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,5}){1,4}"
    r"(?!\w|\.\d)|(?<![\w.])\+\d{8,15}(?!\w|\.\d)")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DOTTED_QUAD_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_MIN_PHONE_DIGITS = 7
_MIN_NAME_PART = 3


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with e-mails, URLs, phone numbers and ``known`` identifiers replaced.

    Order matters: URLs first (they may contain digits and '@'), then e-mails, then
    the known terms, longest first so a full name wins over its parts, then phones.
    """
    out = _URL_RE.sub(URL, text)
    out = _EMAIL_RE.sub(EMAIL, out)
    for term in _terms(known):
        out = _word_pattern(term).sub(PERSON, out)
    return _PHONE_RE.sub(_phone_or_keep, out)


def identity_terms(events: Iterable[Any]) -> list[str]:
    """Identity values (candidate id, e-mail, name) found in events' ``data``.

    Accepts anything with a ``data`` mapping (e.g. RecordedEvent). Used only to know
    what to scrub; never as an input to a score.
    """
    found: list[str] = []
    for event in events:
        data = getattr(event, "data", None)
        if not isinstance(data, Mapping):
            continue
        for key in IDENTITY_FIELDS:
            value = data.get(key)
            if isinstance(value, str) and value.strip() and value not in found:
                found.append(value.strip())
    return found


def _terms(known: Iterable[str]) -> list[str]:
    """Known identifiers plus the parts of multi-word names, longest first."""
    terms: set[str] = set()
    for raw in known:
        value = raw.strip()
        if not value:
            continue
        terms.add(value)
        if "@" not in value:
            terms.update(part for part in re.split(r"[\s,]+", value)
                         if len(part) >= _MIN_NAME_PART)
    return sorted(terms, key=lambda t: (-len(t), t))


def _word_pattern(term: str) -> re.Pattern[str]:
    """Matches ``term`` case-insensitively, not inside a longer word or identifier."""
    return re.compile(rf"(?<![\w@.-]){re.escape(term)}(?![\w@-])", re.IGNORECASE)


def _phone_or_keep(match: re.Match[str]) -> str:
    """Replace a phone-like match, but keep dates, IP-like quads and short numbers."""
    candidate = match.group(0)
    digits = sum(ch.isdigit() for ch in candidate)
    if digits < _MIN_PHONE_DIGITS or digits > 15:
        return candidate
    if _ISO_DATE_RE.match(candidate) or _DOTTED_QUAD_RE.match(candidate):
        return candidate
    return PHONE
