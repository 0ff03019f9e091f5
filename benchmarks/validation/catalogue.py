"""The validation set: crafted sessions with a known intended order, and their variants.

* ladders: for the overall score and for each dimension, sessions graded from
  strongest (rank 1) to weakest, changing only that dimension's behaviour (the
  overall ladder changes everything at once, like real candidates do). Equal ranks
  mean "no intended difference".
* gaming: each trick from the issue, and tricks found since, applied to an honest
  twin; the trick must not pay.
* style: the same session written in another language or manner; it must score the
  same.
* identity: the same session with other identity fields; nothing may change.

The intended orders were written down from what a hiring manager would conclude
reading the sessions, before any score was looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.validation.ladders import LADDERS
from benchmarks.validation.paths import solve
from benchmarks.validation.texts import KINDLY, PROMPTS, SIGN_OFFS, TRANSLATIONS
from benchmarks.validation.tricks import TRICKS

__all__ = ["CASES", "Case"]

Events = list[dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One crafted session: its group, intended rank or honest twin, and its events."""

    name: str
    group: str
    events: Events
    rank: int = 0
    twin: str = ""
    note: str = ""


def _style_base() -> Events:
    return solve("style", prompts="precise", ai="code", final="documented")


def _prompted(texts: tuple[str, str, str], **kw: Any) -> Events:
    return solve("style", prompts=texts, ai="code", **kw)


def _styles() -> list[Case]:
    precise = PROMPTS["precise"]
    no_stops = tuple(p.replace("? ", " ").replace("?", "").replace(". ", " ") for p in precise)
    texts: list[tuple[str, tuple[str, str, str], str, str]] = [
        ("thanks_name", tuple(p + SIGN_OFFS["thanks_name"] for p in precise),  # type: ignore[list-item]
         "documented", 'every prompt ends "Thanks, John."'),
        ("thanks", tuple(p + SIGN_OFFS["thanks"] for p in precise),  # type: ignore[list-item]
         "documented", 'every prompt ends "Thanks!"'),
        ("kindly", KINDLY, "documented", '"Kindly check..." courtesy'),
        ("spanish", TRANSLATIONS["es"], "documented", "prompts in Spanish"),
        ("german", TRANSLATIONS["de"], "documented", "prompts in German"),
        ("chinese", TRANSLATIONS["zh"], "documented", "prompts in Chinese"),
        ("no_punctuation", no_stops, "documented",  # type: ignore[list-item]
         "prompts without sentence punctuation"),
        ("chinese_docs", precise, "documented_zh", "docstrings and comments in Chinese"),
    ]
    variants: list[tuple[str, Callable[[], Events], str]] = [
        (name, (lambda t=prompts, f=final: _prompted(t, final=f)), note)
        for name, prompts, final, note in texts]
    cases = [Case("style/base", "style", _style_base(), note="precise prompts, documented")]
    cases += [Case(f"style/{name}", "style", build(), twin="style/base", note=note)
              for name, build, note in variants]
    return cases


def _identities() -> list[Case]:
    base = solve("ident", prompts="decent", ai="code", final="bare")
    people = [("max_len", "cand-777", {"candidateName": "Max Len",
                                       "candidateEmail": "max.len@example.com"}),
              ("grace", "cand-912", {"candidateName": "Grace Hopper",
                                     "candidateEmail": "grace@example.org"}),
              ("nameless", "cand-000", {})]
    cases = [Case("identity/base", "identity", base, note="decent prompts, bare code")]
    for name, candidate, fields in people:
        events = solve("ident", prompts="decent", ai="code", final="bare", identity=fields,
                       candidate=candidate)
        cases.append(Case(f"identity/{name}", "identity", events, twin="identity/base",
                          note=f"candidate {candidate} {fields or 'without name fields'}"))
    return cases


def _ladders() -> list[Case]:
    return [Case(f"{group}/{rank}-{name}", group, build(), rank=rank, note=note)
            for group, rungs in LADDERS.items()
            for rank, name, build, note in rungs]


def _gaming() -> list[Case]:
    cases: list[Case] = []
    for name, honest, trick, note in TRICKS:
        twin_name = f"gaming/{name}/honest"
        cases.append(Case(twin_name, "gaming", honest(), note="honest twin"))
        cases.append(Case(f"gaming/{name}", "gaming", trick(), twin=twin_name, note=note))
    return cases


CASES: tuple[Case, ...] = (*_ladders(), *_gaming(), *_styles(), *_identities())
