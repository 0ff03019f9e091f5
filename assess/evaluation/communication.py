"""Communication (15% by default): clarity of the prompts and documentation in the code.

* ``prompt_clarity``: the mean clarity (0-100, continuous) of the candidate's prompts,
  read against the session (:mod:`assess.evaluation.prompts`): references to its
  code, failures and output, quoted context, and what the prompt says beyond them.
  An empty prompt scores 0. Without any prompt the method abstains: not using the
  assistant is not a failure to communicate, and documentation still speaks.
* ``documentation``: per file, the share of functions that need documentation and
  have a note with content (60%) and the share of lines that are such notes, full
  marks from 20% (40%) (:mod:`assess.evaluation.docs`); files are weighted by their
  code lines. Empty, restating and repeated notes count nothing.

Both are text measures that saturate at the bottom: within FLOOR points of 0 their
reliability is discounted (to half at 0), so a floor is not reported as a confident
measurement.
"""

from __future__ import annotations

from assess.evaluation.codemetrics import is_code_file, measure
from assess.evaluation.docs import DocReport, document_report
from assess.evaluation.evidence import code_block, make_evidence
from assess.evaluation.methods import (
    DimensionDraft,
    MethodScore,
    Missing,
    clamp,
    ramp,
    weighted_mean,
)
from assess.evaluation.prompts import rated_turns
from assess.evaluation.result import Evidence
from assess.evaluation.session import CodeFile, SessionView

__all__ = ["documentation_method", "documentation_score", "floor_discount",
           "prompt_clarity_method", "score_communication"]

FULL_DENSITY = 0.20  # lines of notes with content per code line for full marks
FLOOR = 10.0  # score points: below this a text measure only bounds the skill from above


def floor_discount(score: float) -> float:
    """Reliability factor for a text measure near its floor: 0.5 at 0, 1 from FLOOR points.

    At the bottom of the scale the measure saturates ("fix it" and "x" both say almost
    nothing): the number is an upper bound, not a point, so it is trusted less.
    """
    return 0.5 + 0.5 * clamp(score / FLOOR, 0.0, 1.0)


def score_communication(view: SessionView) -> DimensionDraft:
    """The communication dimension's deterministic methods."""
    return DimensionDraft.of("communication",
                             [prompt_clarity_method(view), documentation_method(view)])


def prompt_clarity_method(view: SessionView) -> MethodScore | Missing:
    """Mean clarity of the prompts; abstains when the candidate wrote none."""
    rated = rated_turns(view)
    if not rated:
        return Missing("prompt_clarity", "no prompt to the assistant", False)
    clearest = max(rated, key=lambda pair: pair[1].clarity)
    vaguest = min(rated, key=lambda pair: pair[1].clarity)
    evidence = [make_evidence(turn.event, "ai_interaction",
                              f"Prompt clarity {quality.clarity:.1f}/100 "
                              f"({quality.references} references, {quality.quoted_tokens} "
                              f"quoted tokens)", snippet=turn.message or None,
                              value=quality.clarity)
                for turn, quality in ((clearest, vaguest) if clearest is not vaguest
                                      else (clearest,))]
    score = clamp(sum(q.clarity for _, q in rated) / len(rated))
    reliability = 0.85 * len(rated) / (len(rated) + 3.0) * floor_discount(score)
    return MethodScore("prompt_clarity", score, reliability, tuple(evidence))


def documentation_score(report: DocReport) -> float:
    """0-100: documented share of the functions that need it (60%) and note density (40%)."""
    density = ramp(report.content_lines / max(report.code_lines, 1), 0.0, 0.0,
                   FULL_DENSITY, 100.0)
    documented = (100.0 * len(report.documented) / len(report.needing)
                  if report.needing else None)
    return weighted_mean([(documented, 0.6), (density, 0.4)]) or 0.0


def documentation_method(view: SessionView) -> MethodScore | Missing:
    """Documentation of the final code; Missing (no credit) without code."""
    files = [f for f in view.files if is_code_file(f.path) and f.content.strip()]
    if not files:
        return Missing("documentation", "no code to read", True)
    parts: list[tuple[float | None, float]] = []
    evidence: list[Evidence] = []
    amount = 0.0
    for code in files:
        report = document_report(code.path, code.content, measure(code.path, code.content))
        parts.append((documentation_score(report), float(max(report.code_lines, 1))))
        evidence.extend(_doc_evidence(code, report))
        amount += len(report.needing) + report.code_lines / 25.0
    score = clamp(weighted_mean(parts) or 0.0)
    return MethodScore("documentation", score,
                       0.8 * amount / (amount + 3.0) * floor_discount(score), tuple(evidence))


def _doc_evidence(code: CodeFile, report: DocReport) -> list[Evidence]:
    """The file's counts, one undocumented function and one note that did not count."""
    counted = sum(1 for n in report.notes if n.verdict == "content")
    items = [make_evidence(
        code.event, "metric",
        f"{code.path}: {len(report.documented)} of {len(report.needing)} functions that need "
        f"it documented; {counted} of {len(report.notes)} notes carry content",
        file_path=code.path, value=float(counted))]
    undocumented = [s for s in report.needing if s not in report.documented]
    if undocumented:
        span = undocumented[0]
        items.append(make_evidence(
            code.event, "code_snippet", f"Undocumented function: {span.name}",
            snippet=code_block(code.content, span.line, min(span.length, 6)),
            file_path=code.path, line=span.line))
    skipped = next((n for n in report.notes if n.verdict != "content"), None)
    if skipped is not None:
        items.append(make_evidence(
            code.event, "code_snippet", f"Note not counted ({skipped.verdict})",
            snippet=code_block(code.content, skipped.line, skipped.lines),
            file_path=code.path, line=skipped.line))
    return items
