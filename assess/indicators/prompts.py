"""Prompt quality of one candidate message to the AI assistant, and prompt flags.

Prompt quality is a specificity score from 1 (vague) to 5 (specific)::

    quality = 1 + 4 * (0.3 L + 0.3 C + 0.2 E + 0.2 G)      rounded to 2 decimals

    L = min(words, 30) / 30            length, saturating at 30 words
    C = min(kinds, 2) / 2              code references; kinds = how many of: backticks,
                                       an identifier (snake_case, camelCase, call ``f(``,
                                       dotted ``a.b``), a file name, a line number
    E = 1 if it names an error         (``FooError``, exception, traceback, failing test,
                                       assertion, "expected ... got", timeout ...)
    G = 1 if it states a goal          ("I want", "trying to", "should", "so that" ...)

The rules are deliberately cheap (a few regular expressions, no model call) so they
run on every event; the evaluation agent may use an LLM classifier on top.
"""

from __future__ import annotations

import re

__all__ = [
    "CODE_WEIGHT",
    "ERROR_WEIGHT",
    "GOAL_WEIGHT",
    "LENGTH_WEIGHT",
    "code_reference_kinds",
    "is_help_request",
    "is_help_seeking",
    "is_short_prompt",
    "names_error",
    "prompt_quality",
    "states_goal",
    "word_count",
]

LENGTH_WEIGHT = 0.3
CODE_WEIGHT = 0.3
ERROR_WEIGHT = 0.2
GOAL_WEIGHT = 0.2
_SATURATION_WORDS = 30
_SATURATION_KINDS = 2

_EXTENSIONS = (
    "py|js|jsx|ts|tsx|java|go|rs|rb|c|cc|cpp|h|hpp|cs|kt|swift|php|sql|json|ya?ml|toml|md"
    "|html|css|sh"
)
_CODE_KINDS: tuple[re.Pattern[str], ...] = (
    re.compile(r"`[^`\n]+`"),
    re.compile(
        r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"  # snake_case
        r"|\b[a-z]+[A-Z][A-Za-z0-9]*\b"  # camelCase
        r"|\b[A-Za-z_]\w*\("  # call f(
        rf"|\b[A-Za-z_]\w+\.(?!(?:{_EXTENSIONS})\b)[A-Za-z_]\w+\b"  # dotted obj.attr
    ),
    re.compile(rf"\b[\w./-]+\.(?:{_EXTENSIONS})\b", re.IGNORECASE),
    re.compile(r"\blines?\s+\d+\b|\bL\d+\b|\.\w+:\d+\b", re.IGNORECASE),
)


def _both_cases(source: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``source`` compiled case-insensitively, and case-sensitively for lowercased text.

    ``source`` is written in lower case with no letter-only character classes and no
    upper-case escapes, so for ASCII text ``insensitive.search(text)`` and
    ``sensitive.search(text.lower())`` agree (lowering ASCII keeps every position and
    word boundary). The second is 2-3x faster: these searches run on every AI chat.
    Non-ASCII text always takes the case-insensitive pattern, whose Unicode case rules
    (e.g. the Kelvin sign matching ``k``) ``str.lower`` does not reproduce.
    """
    return re.compile(source, re.IGNORECASE), re.compile(source)


_ERROR = _both_cases(
    r"\b\w*(?:error|exception)\b|\btraceback\b|\bstack ?trace\b|\bexception\b"
    r"|\b(?:fail(?:s|ed|ing|ure)?)\b|\bassert(?:ion)?\b|\bexpected\b.*\bgot\b"
    r"|\bundefined\b|\bnull pointer\b|\bsegfault\b|\btime(?:d)? ?out\b|\bcrash(?:es|ed)?\b"
)
_GOAL = _both_cases(
    r"\b(?:i want|i need|i'm trying|i am trying|trying to|so that|in order to|should"
    r"|goal|needs? to|must|expect(?:ed|s)? (?:it|the|to)|make (?:it|this|the))\b"
)
_HELP = _both_cases(
    r"\b(?:help|stuck|no idea|i give up|i don't (?:know|understand|get)"
    r"|not sure (?:how|what|why)|what's wrong|doesn't work|isn't working|not working"
    r"|(?:write|give me|show me) the (?:code|solution|answer)"
    r"|can you (?:solve|do|write|fix|finish)|solve (?:it|this)|fix (?:it|this))\b"
)


def _found(patterns: tuple[re.Pattern[str], re.Pattern[str]], text: str) -> bool:
    """True when ``patterns`` (from :func:`_both_cases`) match ``text``, ignoring case."""
    if text.isascii():
        return patterns[1].search(text.lower()) is not None
    return patterns[0].search(text) is not None


def _normalise(text: str) -> str:
    """Straighten typographic apostrophes so curly and straight quotes match alike."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def word_count(text: str) -> int:
    """Whitespace-separated words in ``text``."""
    return len(text.split())


def code_reference_kinds(text: str) -> int:
    """How many kinds of code reference ``text`` contains (0..4): backticks,
    identifiers, file names, line numbers."""
    return _count_kinds(text, len(_CODE_KINDS))


def _count_kinds(text: str, limit: int) -> int:
    """Kinds of code reference in ``text``, counting no further than ``limit``: the
    quality score saturates at two kinds, so the remaining searches can be skipped."""
    found = 0
    for pattern in _CODE_KINDS:
        if pattern.search(text):
            found += 1
            if found == limit:
                break
    return found


def names_error(text: str) -> bool:
    """True when the prompt names an error, exception or failing test."""
    return _found(_ERROR, text)


def states_goal(text: str) -> bool:
    """True when the prompt says what the candidate wants to achieve."""
    return _found(_GOAL, _normalise(text))


def prompt_quality(text: str) -> float:
    """Specificity of one prompt on the 1-5 scale (formula in the module docstring)."""
    length = min(word_count(text), _SATURATION_WORDS) / _SATURATION_WORDS
    code = _count_kinds(text, _SATURATION_KINDS) / _SATURATION_KINDS
    error = 1.0 if names_error(text) else 0.0
    goal = 1.0 if states_goal(text) else 0.0
    weighted = LENGTH_WEIGHT * length + CODE_WEIGHT * code + ERROR_WEIGHT * error
    return round(1.0 + 4.0 * (weighted + GOAL_WEIGHT * goal), 2)


def is_help_request(text: str) -> bool:
    """True when the prompt asks to be helped or handed a solution ("I'm stuck",
    "just write the code", "what's wrong") rather than asking a specific question."""
    return _found(_HELP, _normalise(text))


def is_short_prompt(text: str, min_words: int) -> bool:
    """True when the prompt gives almost no context: fewer than ``min_words`` words and
    no code reference ("fix it", "help??"; not "fix `parse_date`").

    Nothing here depends on the language: words count whitespace-separated tokens plus
    one per two CJK characters (scripts written without spaces), and code references
    are code-shaped tokens (identifiers, backticks, file names, line numbers).
    """
    return _length(text) < min_words and _count_kinds(text, 1) == 0


def _length(text: str) -> int:
    """Words, counting a run of CJK characters as one word per two characters."""
    cjk = sum(1 for ch in text if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    return word_count(text) + cjk // 2


def is_help_seeking(text: str, min_words: int, *, unprogressed: bool) -> bool:
    """True when a prompt seeks help: an explicit request (:func:`is_help_request`), or,
    in any language, a context-free prompt (:func:`is_short_prompt`) sent while the
    previous chat led to no progress (no code change or passing test since)."""
    return is_help_request(text) or (unprogressed and is_short_prompt(text, min_words))
