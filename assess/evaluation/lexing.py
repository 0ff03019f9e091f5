"""Source code as tokens: names, comments, docstrings and shingles, for any language.

Pygments lexes a file by its name (:func:`assess.codetext.lexer_for`), so the same
rules read Python, JavaScript, Go or Java: a name is a name and a comment is a
comment whatever the language. Files Pygments does not know get a plain-text
fallback (no names, ``#`` and ``//`` line comments). Results are cached by content,
because one session lexes the same file versions for several scorers.

:func:`code_tokens` is a language-neutral token stream (names, numbers, single
symbols; whitespace dropped) used for shingles: two texts share a shingle when
they share ``SHINGLE`` consecutive tokens, however they were spaced or wrapped.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from pygments.token import Comment, Name, String

from assess.codetext import MAX_LEXED_CHARS, lexer_for

__all__ = ["SHINGLE", "Lexeme", "code_tokens", "lex", "names_in", "shingles", "union"]

SHINGLE = 6  # tokens per shingle: long enough that prose and code rarely collide
LexemeKind = Literal["name", "comment", "doc", "string", "code"]
_CODE_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[^\sA-Za-z0-9_]")
_LITERALS = ("comment", "doc", "string")
_FALLBACK_COMMENT = re.compile(r"^\s*(?:#|//)(?!include)")


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One token: its kind, text and 1-based line where it starts."""

    kind: LexemeKind
    text: str
    line: int


def _kind(token: object) -> LexemeKind:
    if token in Comment.Preproc or token in Comment.Hashbang:
        return "code"
    if token in Comment:
        return "comment"
    if token in String.Doc:
        return "doc"
    if token in String:
        return "string"
    if token in Name and token not in Name.Builtin:
        return "name"
    return "code"


@functools.lru_cache(maxsize=1024)
def _lex(extension: str, text: str) -> tuple[Lexeme, ...]:
    lexer = lexer_for(f"file{extension}") if extension else None
    if lexer is None or len(text) > MAX_LEXED_CHARS:
        return _fallback(text)
    out: list[Lexeme] = []
    line, last = 1, "code"
    for _, token, value in lexer.get_tokens_unprocessed(text):
        kind = _kind(token)
        if kind == last and kind in _LITERALS and out and out[-1].kind == kind:
            # the pieces of one comment or string literal become one lexeme
            out[-1] = Lexeme(kind, out[-1].text + value, out[-1].line)
        elif value.strip():
            out.append(Lexeme(kind, value, line))
        last = kind
        line += value.count("\n")
    return tuple(out)


def _fallback(text: str) -> tuple[Lexeme, ...]:
    """Unknown file types: ``#``/``//`` lines are comments, the rest is code."""
    return tuple(Lexeme("comment" if _FALLBACK_COMMENT.match(line) else "code", line.strip(), i)
                 for i, line in enumerate(text.splitlines(), 1) if line.strip())


def lex(path: str, text: str) -> tuple[Lexeme, ...]:
    """The non-blank tokens of one file (cached by extension and content)."""
    extension = posixpath.splitext(path.replace("\\", "/"))[1].lower()
    return _lex(extension, text)


def names_in(path: str, text: str) -> frozenset[str]:
    """Identifiers the code defines or uses (builtins and keywords excluded)."""
    found: set[str] = set()
    for lexeme in lex(path, text):
        if lexeme.kind == "name":
            found.update(part for part in lexeme.text.split(".") if part)
    return frozenset(found)


def code_tokens(text: str) -> list[str]:
    """Names, numbers and single symbols of ``text``, whitespace dropped."""
    return _CODE_TOKEN.findall(text)


def shingles(tokens: list[str], size: int = SHINGLE) -> set[tuple[str, ...]]:
    """Every run of ``size`` consecutive tokens."""
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


_H = TypeVar("_H", str, tuple[str, ...])


def union(sets: Iterable[frozenset[_H] | set[_H]]) -> frozenset[_H]:
    """One set of every member of ``sets``."""
    out: set[_H] = set()
    for item in sets:
        out.update(item)
    return frozenset(out)
