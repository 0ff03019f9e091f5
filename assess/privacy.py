"""Removing personal data from text before it leaves the process (to an LLM, into evidence).

A :class:`Scrubber` replaces e-mail addresses, URLs, phone numbers and the candidate's
known identifiers (id, e-mail, name, and each part of a multi-word name of at least
3 letters, because candidates often sign with a first name) by neutral placeholders.
It is deterministic and idempotent, so the same input always yields the same prompt.

It removes the personal data and nothing else: evidence quotes code, and a candidate
called "Max Len" must not turn ``max(last_end, end)`` into ``[candidate](last_end, end)``.

* **Code is never rewritten.** :meth:`Scrubber.code` reads only the comments and string
  literals of a file whose language Pygments knows (:mod:`assess.codetext`);
  identifiers, keywords, numbers and operators are kept character for character.
* **A name is a name only when written like one**: as given, Capitalised or in
  CAPITALS. ``max`` and ``len`` are code or words, never "Max Len". Scripts without
  letter case (Chinese, Japanese, Korean, Arabic, ...) match as written, also inside a
  run of text, since they do not put spaces between words.
* **Not in a code position**: a name followed by ``(``, ``[``, ``.attr`` or ``::``, or
  preceded by ``.``, ``$``, ``::`` or ``->``, is a call or an attribute and is kept.
* **Not a code word of this session**: a word the session's code uses as an identifier
  in exactly that case (a class ``Max``) is kept, so "Longest function: Max" stays true.
* Ids and e-mails (terms with a digit or an ``@``) are never words: they match in any
  case. Ids shorter than 4 characters are ignored (they identify no one, but would
  rewrite numbers).

Known limit: a name typed entirely in lower case ("i'm max") is kept; telling it
from the word or the builtin would take a guess, and evidence must stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assess.codetext import code_segments

__all__ = ["IDENTITY_FIELDS", "PERSON", "Scrubber", "identity_terms", "scrub"]

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
#: Not inside a longer word, an e-mail or a dotted/sigil/scope access (``x.max``, ``$max``).
_BEFORE = r"(?<![\w@.$-])(?<!::)(?<!->)"
#: Not followed by more word, a call, an index, an attribute or a scope (``Max(``, ``Max.x``).
_AFTER = r"(?![\w@(\[-])(?!\.\w)(?!::)"
_MIN_PHONE_DIGITS = 7
_MIN_NAME_PART = 3
_MIN_ID = 4


@dataclass(frozen=True)
class _Term:
    """One known identifier and the compiled pattern of the forms it is matched in."""

    text: str
    pattern: re.Pattern[str]


def _cased(text: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in text)


def _name_forms(name: str) -> list[str]:
    """A name as people write it: as given, Capitalised per word, and in CAPITALS."""
    words = name.split()
    capital = " ".join(w[:1].upper() + w[1:].lower() for w in words)
    initial = " ".join(w[:1].upper() + w[1:] for w in words)
    return list(dict.fromkeys((" ".join(words), capital, initial, name.upper())))


def _term(value: str) -> _Term | None:
    """The pattern for one identifier, or None when it is too short to be personal data."""
    if "@" in value or any(ch.isdigit() for ch in value):
        if len(value) < _MIN_ID:
            return None
        return _Term(value, re.compile(_BEFORE + re.escape(value) + _AFTER, re.IGNORECASE))
    if len(value) < 2:
        return None
    if not _cased(value):
        return _Term(value, re.compile(re.escape(value)))
    forms = "|".join(r"\s+".join(re.escape(w) for w in form.split())
                     for form in _name_forms(value))
    return _Term(value, re.compile(f"{_BEFORE}(?:{forms}){_AFTER}"))


def _terms(known: Iterable[str]) -> tuple[_Term, ...]:
    """Known identifiers plus the parts of multi-word names, longest first."""
    values: set[str] = set()
    for raw in known:
        value = " ".join(raw.split())
        if not value:
            continue
        values.add(value)
        if "@" not in value:
            values.update(part for part in re.split(r"[\s,]+", value)
                          if len(part) >= _MIN_NAME_PART)
    ordered = sorted(values, key=lambda t: (-len(t), t))
    return tuple(term for term in map(_term, ordered) if term is not None)


@dataclass(frozen=True)
class Scrubber:
    """Scrubs text and code of one session's personal data (see the module docstring).

    ``code_words`` are identifiers of the session's own code (exact case), from
    :func:`assess.codetext.code_identifiers`; they are never taken for a name.
    """

    known: tuple[str, ...] = ()
    code_words: frozenset[str] = frozenset()
    _terms: tuple[_Term, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_terms", _terms(self.known))

    @classmethod
    def build(cls, known: Iterable[str | None] = (),
              code_words: Iterable[str] = ()) -> Scrubber:
        """A scrubber for these identity values (empty and None values are skipped)."""
        return cls(tuple(k for k in known if k and k.strip()), frozenset(code_words))

    def text(self, text: str) -> str:
        """Plain text (a chat, a test log, a description) with personal data replaced.

        Order matters: URLs first (they may contain digits and '@'), then e-mails, then
        the known terms, longest first so a full name wins over its parts, then phones.
        """
        out = _URL_RE.sub(URL, text)
        out = _EMAIL_RE.sub(EMAIL, out)
        for term in self._terms:
            out = term.pattern.sub(self._person, out)
        return _PHONE_RE.sub(_phone_or_keep, out)

    def code(self, source: str, path: str | None) -> str:
        """Source code with personal data replaced in its comments and strings only.

        Without a path Pygments can lex (unknown type, no name) it is read as text,
        where the name and code-position rules still keep calls and attributes intact.
        """
        return "".join(self.text(s.text) if s.prose else s.text
                       for s in code_segments(source, path))

    def _person(self, match: re.Match[str]) -> str:
        found = match.group(0)
        return found if found in self.code_words else PERSON


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with e-mails, URLs, phone numbers and ``known`` identifiers replaced."""
    return Scrubber.build(known).text(text)


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
            if isinstance(value, str) and value.strip() and value.strip() not in found:
                found.append(value.strip())
    return found


def _phone_or_keep(match: re.Match[str]) -> str:
    """Replace a phone-like match, but keep dates, IP-like quads and short numbers."""
    candidate = match.group(0)
    digits = sum(ch.isdigit() for ch in candidate)
    if digits < _MIN_PHONE_DIGITS or digits > 15:
        return candidate
    if _ISO_DATE_RE.match(candidate) or _DOTTED_QUAD_RE.match(candidate):
        return candidate
    return PHONE
