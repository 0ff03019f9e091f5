"""How clear and how focused each of the candidate's prompts was, read against the session.

Each prompt is read by :func:`assess.evaluation.grounding.read_prompt` and scored
from four continuous parts, each 0-1:

* ``specific``: it names things of this session (references). One reference says a
  lot, two or three pin the problem down, a long list says less again (3/r beyond
  three); and references need prose that relates them (``link``: the share of
  8 * r^1.5 bytes of letters that is there, squared: each further name needs more
  words saying how it relates to the others), so a list of names, however real,
  earns little. Session names never count as prose.
* ``on_target``: its references hit what mattered at that moment -- the failures of
  the latest test run before it, or the lines the next change touched -- counted
  with their precision (hits / references). Abstains when there was neither a
  failure nor a following change to aim at.
* ``context``: quoted code or test output, 1 - exp(-tokens / 10), times the share of
  the quoted runs that come from the current failure or the lines the next change
  touched: a focused snippet or trace counts, pasting the whole file does not.
* ``prose``: what the prompt says beyond names and quotes, 1 - exp(-bytes / 30):
  "fix it" scores a little, an empty prompt nothing, a sign-off only adds. It
  weighs little, so length alone (or rubric words) buys little.

``clarity`` (communication) weighs them 38/30/20/12; ``focus`` (AI collaboration)
leaves prose out, 45/35/20. Both are 0-100 and continuous. No rule reads English
words, punctuation or spaces, so a prompt of equal specificity scores the same in
any language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assess.evaluation.edits import edits
from assess.evaluation.grounding import (
    PromptReading,
    Vocabulary,
    output_names,
    read_prompt,
    session_vocabulary,
)
from assess.evaluation.lexing import code_tokens, shingles
from assess.evaluation.methods import weighted_mean
from assess.evaluation.session import AiTurn, SessionView, per_view

__all__ = ["PromptQuality", "Target", "assess_prompt", "rated_turns"]

_BYTES_PER_REFERENCE = 8.0
_FREE_BYTES = 8.0


@dataclass(frozen=True, slots=True)
class Target:
    """What a prompt could aim at: names and token runs of the current failure or next change.

    ``output`` holds runs of the failing output and of the lines the next change touched.
    """

    names: frozenset[str]
    output: frozenset[tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class PromptQuality:
    """One prompt's clarity and focus (0-100) and the counts they came from."""

    clarity: float
    focus: float
    references: int
    on_target: int
    quoted_tokens: int
    prose_bytes: int


def assess_prompt(message: str, vocabulary: Vocabulary,
                  target: Target | None = None) -> PromptQuality:
    """Score one prompt against the session's vocabulary and what it could aim at."""
    reading = read_prompt(message, vocabulary)
    refs = len(reading.references)
    link = 1.0 if refs == 0 else min(1.0, (reading.prose_bytes + _FREE_BYTES)
                                     / (_BYTES_PER_REFERENCE * refs ** 1.5)) ** 2
    specific = (1.0 - math.exp(-refs / 1.1)) * min(1.0, 3.0 / max(refs, 1)) * link
    hits, aimed = _on_target(reading, target)
    context = (1.0 - math.exp(-reading.quoted_tokens / 10.0)) * _quote_focus(reading, target)
    prose = 1.0 - math.exp(-reading.prose_bytes / 30.0)
    on_target = None if aimed is None else aimed * (link if refs else 1.0)
    clarity = weighted_mean([(specific, 0.38), (on_target, 0.30), (context, 0.20),
                             (prose, 0.12)]) or 0.0
    focus = weighted_mean([(specific, 0.45), (on_target, 0.35), (context, 0.20)]) or 0.0
    return PromptQuality(clarity=100.0 * clarity, focus=100.0 * focus, references=refs,
                         on_target=hits, quoted_tokens=reading.quoted_tokens,
                         prose_bytes=reading.prose_bytes)


def _on_target(reading: PromptReading, target: Target | None) -> tuple[int, float | None]:
    """(hits, 0-1 score) of the references against the target; score None without a target."""
    if target is None or not (target.names or target.output):
        return 0, None
    named = len(reading.references & target.names)
    quoted = 1 if reading.quoted & target.output else 0
    hits = named + quoted
    precision = named / len(reading.references) if reading.references else 1.0
    return hits, min(1.0, hits / 1.5) * (precision if named else 1.0 if quoted else 0.0)


def _quote_focus(reading: PromptReading, target: Target | None) -> float:
    """Share of the quoted runs that are about the failure or the next change (1 without one)."""
    if not reading.quoted or target is None or not target.output:
        return 1.0
    return len(reading.quoted & target.output) / len(reading.quoted)


@per_view
def rated_turns(view: SessionView) -> tuple[tuple[AiTurn, PromptQuality], ...]:
    """Every prompt of the session with its quality (an empty prompt scores 0)."""
    vocabulary = session_vocabulary(view)
    return tuple((turn, assess_prompt(turn.message, vocabulary, _target(view, turn)))
                 for turn in view.turns)


def _target(view: SessionView, turn: AiTurn) -> Target | None:
    """The latest failing run before the prompt and the next change before the next prompt."""
    seq = turn.event.seq
    names: set[str] = set()
    output: set[tuple[str, ...]] = set()
    earlier = [run for run in view.test_runs if run.event.seq < seq]
    if earlier and (earlier[-1].failed > 0 or earlier[-1].passed < earlier[-1].total):
        names |= output_names(earlier[-1].output, earlier[-1].failing_tests)
        output |= shingles(code_tokens(earlier[-1].output))
    next_turn = min((t.event.seq for t in view.turns if t.event.seq > seq), default=None)
    for edit in edits(view):
        at = edit.change.event.seq
        if at > seq and (next_turn is None or at < next_turn) and edit.size:
            names |= edit.names()
            for _, line in (*edit.added, *edit.removed):
                output |= shingles(code_tokens(line))
            break
    return Target(frozenset(names), frozenset(output)) if names or output else None
