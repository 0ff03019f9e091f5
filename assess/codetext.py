"""Code split into what is code and what is human text (comments, string literals).

Scrubbing personal data and spotting instructions aimed at the grader both need
to read the prose a candidate writes inside code without touching the code itself:
``max(last_end, end)`` is code even when the candidate is called Max. Pygments
lexes the file by its name (Python, JavaScript, TypeScript, Java, Go, C, ... any
language it knows); its comment and string tokens are the text, everything else is
code. A file whose type Pygments does not know is text as a whole.

:func:`code_segments` keeps every character, in order, so joining the segments
gives the input back exactly (``\\r\\n`` and a leading BOM included: the lexer is
run without its input clean-up).
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_for_filename
from pygments.token import Comment, Name, String, _TokenType
from pygments.util import ClassNotFound

__all__ = ["Segment", "code_identifiers", "code_segments", "text_runs"]

#: Files larger than this (characters) are treated as text rather than lexed: the
#: lexers are regular-expression machines and a pathological input must not stall.
MAX_LEXED_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the source: ``text`` is human text (comment or string) when ``prose``."""

    text: str
    prose: bool


@functools.lru_cache(maxsize=64)
def _lexer(extension: str) -> Lexer | None:
    """The Pygments lexer for a file extension (cached: the lookup scans every lexer)."""
    try:
        return get_lexer_for_filename(f"file{extension}", stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def lexer_for(path: str | None) -> Lexer | None:
    """The lexer for ``path`` by its extension, or None (unknown type, no extension)."""
    if not path:
        return None
    extension = posixpath.splitext(path.replace("\\", "/"))[1].lower()
    return _lexer(extension) if extension else None


def _is_prose(token: _TokenType) -> bool:
    """Comments and string contents; interpolations (``${x}``, ``{x}``) are code."""
    return (token in Comment and token not in Comment.Preproc) or (
        token in String and token not in String.Interpol)


def code_segments(source: str, path: str | None) -> list[Segment]:
    """``source`` as alternating code and text segments; ``"".join`` gives it back.

    Without a known lexer (or above :data:`MAX_LEXED_CHARS`) the whole source is
    one text segment: callers then fall back to their rules for plain text.
    """
    lexer = lexer_for(path)
    if lexer is None or len(source) > MAX_LEXED_CHARS:
        return [Segment(source, True)] if source else []
    runs: list[tuple[bool, list[str]]] = []
    for _, token, value in lexer.get_tokens_unprocessed(source):
        prose = _is_prose(token)
        if runs and runs[-1][0] == prose:
            runs[-1][1].append(value)
        elif value:
            runs.append((prose, [value]))
    segments = [Segment("".join(parts), prose) for prose, parts in runs]
    if "".join(segment.text for segment in segments) != source:
        # A lexer that dropped or re-read characters: keep the source intact and
        # read it all as text, so personal data in it is still found.
        return [Segment(source, True)]
    return segments


def text_runs(source: str, path: str | None) -> list[str]:
    """Only the human-text segments of ``source`` (comments and strings), in order."""
    return [segment.text for segment in code_segments(source, path) if segment.prose]


def code_identifiers(files: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Names used as code (identifiers, builtins, functions, classes) in ``(path, text)`` files.

    Exact case is kept: ``max`` in the code makes ``max`` a code word, not ``Max``.
    """
    names: set[str] = set()
    for path, source in files:
        lexer = lexer_for(path)
        if lexer is None or len(source) > MAX_LEXED_CHARS:
            continue
        names.update(value for _, token, value in lexer.get_tokens_unprocessed(source)
                     if token in Name and value.strip())
    return frozenset(names)
