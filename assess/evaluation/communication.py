"""Communication (15% by default): clarity of written prompts and documentation in the code.

* ``prompt_clarity``: mean clarity of the candidate's prompts (specific, states the
  goal or the error, complete sentences, a sensible length), 0-100.
* ``documentation``: share of documented functions (60%) and the comment ratio
  (40%) of the final code, weighted by file size.
"""

from __future__ import annotations

from assess.evaluation.codemetrics import CodeMetrics, is_code_file, measure
from assess.evaluation.evidence import code_block, make_evidence
from assess.evaluation.methods import DimensionDraft, MethodScore, ramp, weighted_mean
from assess.evaluation.prompts import assess_prompt
from assess.evaluation.result import Evidence
from assess.evaluation.session import CodeFile, SessionView

__all__ = ["documentation_method", "documentation_score", "prompt_clarity_method",
           "score_communication"]


def score_communication(view: SessionView) -> DimensionDraft:
    """The communication dimension's deterministic methods."""
    methods = [m for m in (prompt_clarity_method(view), documentation_method(view))
               if m is not None]
    return DimensionDraft("communication", tuple(methods))


def prompt_clarity_method(view: SessionView) -> MethodScore | None:
    """Mean clarity of the prompts; None when the candidate wrote none."""
    rated = [(assess_prompt(t.message), t) for t in view.turns if t.message.strip()]
    if not rated:
        return None
    clearest = max(rated, key=lambda pair: pair[0].clarity)
    vaguest = min(rated, key=lambda pair: pair[0].clarity)
    evidence = [make_evidence(turn.event, "ai_interaction",
                              f"Prompt clarity {quality.clarity:.0f}/100",
                              snippet=turn.message, value=quality.clarity)
                for quality, turn in ((clearest, vaguest) if clearest is not vaguest
                                      else (clearest,))]
    score = sum(q.clarity for q, _ in rated) / len(rated)
    return MethodScore("prompt_clarity", score, len(rated) / (len(rated) + 3.0), tuple(evidence))


def documentation_score(metrics: CodeMetrics) -> float:
    """0-100: documented functions (60%) and comment ratio (40%, full marks from 10%)."""
    comments = ramp(metrics.comment_ratio, 0.0, 0.0, 0.10, 100.0)
    if metrics.comment_ratio > 0.6:
        comments = ramp(metrics.comment_ratio, 0.6, 100.0, 0.9, 60.0)
    if not metrics.functions:
        return comments
    return 0.6 * 100.0 * metrics.documented_ratio + 0.4 * comments


def documentation_method(view: SessionView) -> MethodScore | None:
    """Documentation of the final code; None without code."""
    files = [f for f in view.files if is_code_file(f.path) and f.content.strip()]
    if not files:
        return None
    parts: list[tuple[float | None, float]] = []
    evidence: list[Evidence] = []
    for code in files:
        metrics = measure(code.path, code.content)
        parts.append((documentation_score(metrics), float(max(metrics.lines, 1))))
        evidence.extend(_doc_evidence(code, metrics))
    lines = sum(weight for _, weight in parts)
    return MethodScore("documentation", weighted_mean(parts) or 0.0,
                       0.6 if lines >= 10 else 0.3, tuple(evidence))


def _doc_evidence(code: CodeFile, metrics: CodeMetrics) -> list[Evidence]:
    """Documented-function ratio and one undocumented (or documented) function."""
    items = [make_evidence(code.event, "metric", f"Documented functions in {code.path} (share)",
                           file_path=code.path, value=metrics.documented_ratio)]
    undocumented = [f for f in metrics.functions if not f.documented]
    example = undocumented[0] if undocumented else (
        metrics.functions[0] if metrics.functions else None)
    if example is not None:
        label = "Undocumented" if not example.documented else "Documented"
        items.append(make_evidence(
            code.event, "code_snippet", f"{label} function: {example.name}",
            snippet=code_block(code.content, example.line, min(example.length, 6)),
            file_path=code.path, line=example.line))
    return items
