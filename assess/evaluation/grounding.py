"""What a session really contains, so a prompt can be checked against it.

A prompt is specific when it points at things that exist in *this* session: names
from the candidate's code, file names, test names and error names from the test
output, or code and output it quotes. Nothing here depends on a natural language:

* a reference is an identifier of the session written in the prompt. Names that
  could be ordinary words (``merge``, ``start``) count only when written as code
  (in backticks or called, ``merge(``); names no language has as a word
  (``test_touching``, ``mergeIntervals``, ``IndexError``, ``solution.py``) count as
  they are. So "the end of the list" never scores for naming ``end``, in any language.
* context is quoted material: runs of :data:`~assess.evaluation.lexing.SHINGLE`
  tokens that also occur in the session's code or test output.
* prose is measured in UTF-8 bytes of letters outside session names and quotes,
  which counts a Chinese character (3 bytes) about as much as the three or so
  Latin letters it takes to say the same; spaces and punctuation count nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from assess.evaluation.lexing import SHINGLE, code_tokens, names_in, shingles, union
from assess.evaluation.session import SessionView, per_view

__all__ = ["PromptReading", "Vocabulary", "distinctive", "output_names", "read_prompt",
           "session_vocabulary"]

MIN_NAME = 3  # shorter names (i, xs, a) say too little to count as a reference
_WORDLIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_TICKS = re.compile(r"`[^`\n]+`")
_TOKEN_AT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[^\sA-Za-z0-9_]")
_PARTS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def distinctive(name: str) -> bool:
    """True for names that are no word of any language: snake_case, camelCase, digits, ACRONYMS."""
    core = name.strip("_")
    return ("_" in core or any(c.isdigit() for c in core)
            or re.search(r"[a-z][A-Z]", core) is not None
            or (len(core) >= MIN_NAME and core.isupper()))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything a prompt can point at: names, files, test output, code and output shingles."""

    names: frozenset[str]
    output_names: frozenset[str]
    files: frozenset[str]
    code_shingles: frozenset[tuple[str, ...]]
    output_shingles: frozenset[tuple[str, ...]]


def output_names(text: str, failing: Iterable[str] = ()) -> frozenset[str]:
    """Distinctive names in test output (test names, error classes) and failing-test ids."""
    found = {t for t in _PARTS.findall(text) if distinctive(t)}
    for test_id in failing:
        found.update(t for t in _PARTS.findall(test_id) if len(t) >= MIN_NAME)
    return frozenset(found)


@per_view
def session_vocabulary(view: SessionView) -> Vocabulary:
    """The vocabulary of every code version and every test run of the session."""
    versions = [pair for change in view.changes for pair in change.contents]
    versions += [(f.path, f.content) for f in view.files]
    unique = set(versions)
    files = {part for path, _ in unique for part in (path, path.rsplit("/", 1)[-1]) if part}
    outputs = [(run.output, run.failing_tests) for run in view.test_runs]
    code_grams = union(shingles(code_tokens(text)) for _, text in unique)
    output_grams = union(shingles(code_tokens(out)) for out, _ in outputs)
    return Vocabulary(
        names=frozenset(n for n in union(names_in(p, t) for p, t in unique) if len(n) >= MIN_NAME),
        output_names=union(output_names(out, failing) for out, failing in outputs),
        files=frozenset(files), code_shingles=code_grams, output_shingles=output_grams)


@dataclass(frozen=True, slots=True)
class PromptReading:
    """What one prompt points at: references, quoted tokens and its prose (UTF-8 letter bytes)."""

    references: frozenset[str]
    quoted_tokens: int
    quoted: frozenset[tuple[str, ...]]
    prose_bytes: int


def read_prompt(text: str, vocabulary: Vocabulary) -> PromptReading:
    """Read a prompt against the session's vocabulary (see the module docstring)."""
    covered = [False] * len(text)
    quoted_tokens, quoted = _quotes(text, vocabulary, covered)  # names inside quotes are context
    references = _references(text, vocabulary, covered)
    prose = sum(len(ch.encode()) for ch, used in zip(text, covered, strict=True)
                if not used and unicodedata.category(ch).startswith("L"))
    return PromptReading(frozenset(references), quoted_tokens, frozenset(quoted), prose)


def _references(text: str, vocabulary: Vocabulary, covered: list[bool]) -> set[str]:
    ticks = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    known = vocabulary.names | vocabulary.output_names
    found: set[str] = set()
    for match in _WORDLIKE.finditer(text):
        if covered[match.start()]:
            continue
        word = match.group()
        marked = (any(a <= match.start() < b for a, b in ticks)
                  or text[match.end():match.end() + 1] == "(")
        parts = (word, *word.split("."))
        hits = [c for c in parts if c in vocabulary.files or (
            c in known and len(c) >= MIN_NAME and (marked or distinctive(c)))]
        found.update(hits)
        if hits or any(c in known for c in parts):
            # a session name is a name, not prose, even where it does not count as a reference
            covered[match.start():match.end()] = [True] * (match.end() - match.start())
    return found


def _quotes(text: str, vocabulary: Vocabulary,
            covered: list[bool]) -> tuple[int, set[tuple[str, ...]]]:
    """Tokens of the prompt inside runs shared with the code or the test output."""
    spans = [(m.group(), m.start(), m.end()) for m in _TOKEN_AT.finditer(text)]
    tokens = [token for token, _, _ in spans]
    hit = [False] * len(tokens)
    quoted: set[tuple[str, ...]] = set()
    for i in range(len(tokens) - SHINGLE + 1):
        gram = tuple(tokens[i:i + SHINGLE])
        if gram in vocabulary.code_shingles or gram in vocabulary.output_shingles:
            quoted.add(gram)
            hit[i:i + SHINGLE] = [True] * SHINGLE
    for (_, start, end), used in zip(spans, hit, strict=True):
        if used:
            covered[start:end] = [True] * (end - start)
    return sum(hit), quoted
