"""Documentation that carries content: docstrings and comments that say something.

Comments and docstrings come from the lexer, so any language the platform offers
is read the same way. A note counts only when

* it has content: at least MIN_CONTENT_BYTES bytes of letters once comment markers
  and quotes are gone (UTF-8 bytes, so every script counts alike); ``#``, an empty docstring,
  ``// ----`` and ``# TODO`` do not;
* it does not restate the code: less than RESTATING of its letters (in UTF-8 bytes)
  are in words of the code it sits on (the line below a comment, the line of a trailing comment,
  a function's header for its docstring); a docstring "Merge." on ``def merge`` and
  ``# return merged`` above ``return merged`` restate;
* it is new: the same text (letters only, case-folded) counts once per file.

A function of at least FUNCTION_NEEDS_DOCS lines is documented when such a note is
its docstring or sits right above it. Shorter functions need none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assess.evaluation.codemetrics import CodeMetrics, FunctionSpan
from assess.evaluation.lexing import Lexeme, lex

__all__ = ["DocReport", "Note", "document_report"]

MIN_CONTENT_BYTES = 10
RESTATING = 0.8
FUNCTION_NEEDS_DOCS = 5  # lines
_WORD = re.compile(r"[A-Za-z][a-z]*|[A-Z]+(?![a-z])|[a-z]+")
_MARKERS = re.compile(r"^[\s#/*!;\-<>]+|[\s*/\->]+$")


@dataclass(frozen=True, slots=True)
class Note:
    """One comment or docstring: where it starts, how many lines it spans, and its verdict.

    ``verdict`` is "content", "empty", "restates" or "repeat".
    """

    line: int
    lines: int
    text: str
    verdict: str


@dataclass(frozen=True, slots=True)
class DocReport:
    """One file's notes and its functions that need documentation, documented or not."""

    notes: tuple[Note, ...]
    needing: tuple[FunctionSpan, ...]
    documented: tuple[FunctionSpan, ...]
    code_lines: int

    @property
    def content_lines(self) -> int:
        """Lines of notes with content."""
        return sum(n.lines for n in self.notes if n.verdict == "content")


def _letters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch).startswith("L"))


def _strip(text: str) -> str:
    """The note without comment markers or string quotes."""
    body = text.strip().strip("\"'`").strip()
    return "\n".join(_MARKERS.sub("", line) for line in body.splitlines()).strip()


def _words(text: str) -> set[str]:
    """Latin words of code or prose, split at case changes and underscores, lower-cased."""
    return {w.lower() for w in _WORD.findall(text)}


def _verdict(body: str, anchor: str, seen: set[str]) -> str:
    letters = _letters(body).casefold()
    if len(letters.encode()) < MIN_CONTENT_BYTES:
        return "empty"
    if letters in seen:
        return "repeat"
    seen.add(letters)
    code_words = _words(anchor)
    echoed = sum(len(w) for w in _WORD.findall(body) if w.lower() in code_words)
    if echoed >= RESTATING * len(letters.encode()):
        return "restates"
    return "content"


def document_report(path: str, text: str, metrics: CodeMetrics) -> DocReport:
    """Read one file's notes and which functions they document."""
    lines = text.splitlines()
    lexemes = lex(path, text)
    headers = {span.line: span for span in metrics.functions}
    code_by_line: dict[int, str] = {}
    for item in lexemes:
        if item.kind not in ("comment", "doc"):
            code_by_line[item.line] = f"{code_by_line.get(item.line, '')} {item.text}"
    seen: set[str] = set()
    notes = tuple(
        Note(item.line, item.text.count("\n") + 1, item.text,
             _verdict(_strip(item.text), _anchor(item, code_by_line, headers), seen))
        for item in lexemes if item.kind in ("comment", "doc"))
    needing = tuple(s for s in metrics.functions if s.length >= FUNCTION_NEEDS_DOCS)
    documented = tuple(s for s in needing if _has_note(s, notes))
    note_lines = {n.line + i for n in notes for i in range(n.lines)}
    code = sum(1 for i, line in enumerate(lines, 1) if line.strip() and i not in note_lines)
    return DocReport(notes, needing, documented, code)


def _anchor(item: Lexeme, code: dict[int, str], headers: dict[int, FunctionSpan]) -> str:
    """The code a note talks about: its own line, the next code line, or a function header."""
    if item.line in code:
        return code[item.line]
    if item.kind == "doc":
        header = max((h for h in headers if h < item.line), default=None)
        if header is not None:
            return code.get(header, "")
    after = item.line + item.text.count("\n")
    following = min((line for line in code if line > after), default=None)
    return code[following] if following is not None else ""


def _has_note(span: FunctionSpan, notes: tuple[Note, ...]) -> bool:
    """A content note ending right above the header or starting in the first body lines."""
    for note in notes:
        if note.verdict != "content":
            continue
        end = note.line + note.lines - 1
        if span.line - 2 <= end < span.line or span.line < note.line <= span.line + 3:
            return True
    return False
