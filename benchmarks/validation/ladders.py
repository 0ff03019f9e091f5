"""Graded sessions, strongest (rank 1) to weakest, for the overall score and each dimension.

Each rung says in its note what a reader of the session would see. Within a
dimension's ladder the other dimensions' behaviour is held as steady as the task
allows (the same prompts, the same use of the assistant, the same route), so the
ladder measures that dimension.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.validation.paths import solve

__all__ = ["LADDERS"]

Rung = tuple[int, str, Callable[[], list[dict[str, Any]]], str]


def _s(**kw: Any) -> Callable[[], list[dict[str, Any]]]:
    return lambda: solve("ladder", **kw)


LADDERS: dict[str, list[Rung]] = {
    "overall": [
        (1, "exemplary", _s(prompts="precise", ai="mixed", final="documented",
                            answers=(True, True, True)),
         "precise prompts, AI for one fix and verified, documented, three right answers"),
        (2, "strong", _s(prompts="decent", ai="hints", final="some_docs", answers=(True, True)),
         "names the failing tests, writes the fixes, some documentation"),
        (3, "solid", _s(prompts="decent", ai="code", route="wander", final="bare",
                        answers=(True, False)),
         "AI writes the fixes, one regression and back, correct but undocumented"),
        (4, "average", _s(prompts="vague", ai="code", route="stuck", answers=(False, True)),
         "vague prompts, AI edits, ends with 8 of 10 tests passing"),
        (5, "weak", _s(prompts="vague", ai="paste", route="bad", answers=(False,)),
         "pastes AI code, messy, ends with 3 of 10 passing"),
        (6, "poor", _s(prompts="delegating", ai="code", route="bad", runs="end",
                       answers=(False, False)),
         "asks for the whole solution, tests once at the end, 3 of 10"),
        (7, "very-poor", _s(prompts="empty", ai="paste", route="bad", runs="never",
                            answers=(False, False, False)),
         "empty prompts, pasted code, never tests, wrong answers"),
    ],
    "code_quality": [
        (1, "documented", _s(prompts="decent", final="documented"), "10/10, clean, typed"),
        (1, "bare", _s(prompts="decent", final="bare"), "10/10, clean"),
        (3, "messy", _s(prompts="decent", final="messy"),
         "10/10 but one-letter names, deep nesting, unused imports"),
        (4, "stuck", _s(prompts="decent", route="stuck"), "8/10, clean"),
        (5, "bad", _s(prompts="decent", route="bad"), "3/10, messy"),
        (6, "broken", _s(prompts="decent", route="bad", final="messy_broken"),
         "2/10, messy, returns its input"),
    ],
    "problem_solving": [
        (1, "direct", _s(prompts="decent"), "two fixes, each verified, solved early"),
        (2, "late", _s(prompts="decent", route="late"), "the same fixes, solved near the end"),
        (3, "wander", _s(prompts="decent", route="wander"),
         "a rewrite breaks five tests, backed out, then solved"),
        (4, "stuck", _s(prompts="decent", route="stuck"),
         "undoes a fix, never passes everything (8/10)"),
        (5, "flail", _s(prompts="decent", route="bad"), "regressions, ends 3/10"),
        (6, "untested", _s(prompts="decent", route="bad", runs="end"),
         "edits without testing, one run at the end, 3/10"),
    ],
    "ai_collaboration": [
        (1, "partner", _s(prompts="precise", ai="mixed"),
         "precise prompts, one fix by the AI, every AI change tested"),
        (2, "advisor", _s(prompts="precise", ai="hints"),
         "precise prompts, takes hints, writes the code"),
        (3, "delegate-tested", _s(prompts="decent", ai="code"),
         "the AI writes every fix, each is tested"),
        (4, "vague-tested", _s(prompts="vague", ai="code"), "vague prompts, AI fixes tested"),
        (5, "hand-off", _s(prompts="delegating", ai="paste", runs="end"),
         "asks for the solution, pastes it, tests once"),
        (6, "blind", _s(prompts="empty", ai="paste", route="bad", runs="end"),
         "empty prompts, pastes AI code that breaks tests, tests once"),
    ],
    "communication": [
        (1, "clear-documented", _s(prompts="precise", final="documented"),
         "precise prompts with quotes, documented code"),
        (2, "clear-some-docs", _s(prompts="precise", final="some_docs"),
         "precise prompts, some documentation"),
        (3, "decent-some-docs", _s(prompts="decent", final="some_docs"),
         "names the tests, some documentation"),
        (4, "decent-bare", _s(prompts="decent", final="bare"), "names the tests, no docs"),
        (5, "vague-bare", _s(prompts="vague", final="bare"), '"fix it", no docs'),
        (6, "empty-bare", _s(prompts="empty", final="bare"), "empty prompts, no docs"),
    ],
}
