"""Language-agnostic code metrics computed from source text (no parsing, no execution).

They work on any language the platform offers, because they only look at lines,
indentation and a few header patterns: line length, function length, comment
ratio, nesting depth, identifier length and documented functions. Lengths are in
lines; ratios are 0-1. For Python the static-analysis report adds lint findings and
cyclomatic complexity on top (see ``code_quality``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CodeMetrics", "FunctionSpan", "is_code_file", "measure"]

LONG_LINE = 100  # characters
_NOT_CODE = (".md", ".txt", ".rst", ".json", ".csv", ".lock", ".svg", ".log")
_COMMENT_PREFIXES = ("#", "//", "/*", "*", "--", "<!--", ";;")
_CONTROL = {"if", "for", "while", "switch", "catch", "return", "else", "new", "elif", "with"}
_STATEMENT_STARTS = _CONTROL | {"throw", "await", "yield", "raise", "assert", "print", "echo",
                                "delete", "typeof", "del", "go", "defer", "case", "goto"}
_HEADER_RES = (
    re.compile(r"^(?:async\s+)?def\s+(\w+)"),
    re.compile(r"^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(\w+)"),
    re.compile(r"^(?:export\s+)?(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s*)?\([^)]*\)\s*=>"),
    re.compile(r"^func\s+(?:\([^)]*\)\s*)?(\w+)"),
    re.compile(r"^(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?fn\s+(\w+)"),
    re.compile(r"^(?:[\w<>\[\],*&:]+\s+)+(\w+)\s*\([^;]*\)\s*(?:const\s*)?(?:throws [\w, ]+)?\{?$"),
)
_NAME_RES = (
    re.compile(r"\b(?:def|function|func|fn|let|const|var)\s+(\w+)"),
    re.compile(r"^\s*(\w+)\s*(?::[^=]+)?=(?!=)"),
)
_LOOP_NAMES = {"i", "j", "k", "n", "x", "y", "_", "e"}


@dataclass(frozen=True, slots=True)
class FunctionSpan:
    """A function found in the text: name, 1-based header line, length in lines."""

    name: str
    line: int
    length: int
    documented: bool


@dataclass(frozen=True, slots=True)
class CodeMetrics:
    """Metrics of one file. ``lines`` counts non-blank lines."""

    path: str
    lines: int
    long_lines: int
    comment_lines: int
    max_nesting: int
    deepest_line: int
    short_names: int
    names: int
    functions: tuple[FunctionSpan, ...]

    @property
    def comment_ratio(self) -> float:
        """Comment and docstring lines per non-blank line."""
        return self.comment_lines / self.lines if self.lines else 0.0

    @property
    def long_line_ratio(self) -> float:
        """Share of non-blank lines longer than LONG_LINE characters."""
        return self.long_lines / self.lines if self.lines else 0.0

    @property
    def mean_function_length(self) -> float:
        """Mean function length in lines (0 without functions)."""
        spans = self.functions
        return sum(f.length for f in spans) / len(spans) if spans else 0.0

    @property
    def documented_ratio(self) -> float:
        """Share of functions with a docstring or a leading comment."""
        spans = self.functions
        return sum(f.documented for f in spans) / len(spans) if spans else 0.0

    @property
    def short_name_ratio(self) -> float:
        """Share of defined names that are one letter (loop-style names excepted)."""
        return self.short_names / self.names if self.names else 0.0


def is_code_file(path: str) -> bool:
    """False for prose and data files (Markdown, JSON, CSV, ...), which get no code metrics."""
    return not path.lower().endswith(_NOT_CODE)


def measure(path: str, text: str) -> CodeMetrics:
    """Compute the generic metrics of one file's text."""
    lines = text.expandtabs(4).splitlines()
    unit = _indent_unit(lines)
    comments = _comment_lines(lines)
    functions = _functions(lines, comments)
    depth, deepest = _max_nesting(lines, unit, functions, comments)
    short, names = _name_counts(lines)
    return CodeMetrics(
        path=path, lines=sum(1 for line in lines if line.strip()),
        long_lines=sum(1 for line in lines if len(line) > LONG_LINE),
        comment_lines=len(comments), max_nesting=depth, deepest_line=deepest,
        short_names=short, names=names, functions=functions)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _indent_unit(lines: list[str]) -> int:
    """The smallest positive indentation step (2 or 4 usually); 4 when nothing is indented."""
    steps = {_indent(line) for line in lines if line.strip() and _indent(line) > 0}
    return min(steps) if steps else 4


def _comment_lines(lines: list[str]) -> set[int]:
    """0-based indices of comment lines and lines of standalone triple-quoted strings."""
    found: set[int] = set()
    quote: str | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if quote is not None:
            found.add(index)
            if quote in stripped:
                quote = None
            continue
        for mark in ('"""', "'''"):
            if stripped.startswith(mark):
                found.add(index)
                if stripped.count(mark) == 1:
                    quote = mark
                break
        else:
            if stripped.startswith(_COMMENT_PREFIXES) and not stripped.startswith("#include"):
                found.add(index)
    return found


def _header_name(stripped: str) -> str | None:
    """The function name if the line opens a function definition."""
    words = stripped.split(None, 1)
    if not words or words[0] in _STATEMENT_STARTS:
        return None
    for pattern in _HEADER_RES:
        match = pattern.match(stripped)
        if match and match.group(1) not in _CONTROL:
            return match.group(1)
    return None


def _functions(lines: list[str], comments: set[int]) -> tuple[FunctionSpan, ...]:
    spans = []
    for index, line in enumerate(lines):
        if index in comments:
            continue
        name = _header_name(line.strip())
        if name is None:
            continue
        end = _block_end(lines, index)
        spans.append(FunctionSpan(name=name, line=index + 1, length=end - index + 1,
                                  documented=_documented(lines, index, end, comments)))
    return tuple(spans)


def _block_end(lines: list[str], start: int) -> int:
    """Last line index of the block opened at ``start`` (indentation-based, brace aware)."""
    base = _indent(lines[start])
    last = start
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if not stripped:
            continue
        if _indent(lines[index]) <= base:
            return index if stripped[0] in "})]" else last
        last = index
    return last


def _documented(lines: list[str], start: int, end: int, comments: set[int]) -> bool:
    """A docstring within the first lines of the body, or a comment right above the header."""
    if any(i in comments for i in range(start + 1, min(end, start + 4) + 1)):
        return True
    above = start - 1
    while above >= 0 and lines[above].strip().startswith("@"):
        above -= 1
    return above >= 0 and above in comments


def _max_nesting(lines: list[str], unit: int, functions: tuple[FunctionSpan, ...],
                 comments: set[int]) -> tuple[int, int]:
    """Deepest block nesting (levels inside a function body, or from column 0 outside one)."""
    owner = [-1] * len(lines)
    for span in functions:
        for index in range(span.line, span.line - 1 + span.length):
            owner[index] = _indent(lines[span.line - 1])
    best, where = 0, 0
    for index, line in enumerate(lines):
        if not line.strip() or index in comments:
            continue
        base = owner[index]
        depth = _indent(line) // unit if base < 0 else (_indent(line) - base) // unit - 1
        if depth > best:
            best, where = depth, index + 1
    return best, where


def _name_counts(lines: list[str]) -> tuple[int, int]:
    """(one-letter names, all names) among definitions and assignments."""
    short = total = 0
    for line in lines:
        for pattern in _NAME_RES:
            for name in pattern.findall(line):
                total += 1
                short += len(name) == 1 and name not in _LOOP_NAMES
    return short, total
