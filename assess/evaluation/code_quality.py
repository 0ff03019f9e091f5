"""Code quality (40% by default): tests, static analysis and generic code metrics.

* ``tests``: final pass ratio (60%), final coverage when reported (20%), and the
  trend from the first to the last run (20%).
* ``static``: for linted Python files, ruff findings per 100 lines and cyclomatic
  complexity; for every code file, generic structure metrics (line and function
  length, nesting depth, comment ratio, one-letter names). Files are weighted by
  their number of non-blank lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from assess.evaluation.codemetrics import CodeMetrics, is_code_file, measure
from assess.evaluation.evidence import code_block, code_excerpt, make_evidence
from assess.evaluation.inputs import StaticReport
from assess.evaluation.methods import DimensionDraft, MethodScore, clamp, ramp, weighted_mean
from assess.evaluation.result import Evidence
from assess.evaluation.session import CodeFile, SessionView

__all__ = ["score_code_quality", "static_method", "structure_score", "tests_method"]

_MAX_FINDING_EVIDENCE = 3


def score_code_quality(view: SessionView, static: StaticReport | None) -> DimensionDraft:
    """The code-quality dimension's deterministic methods (the LLM is added by the caller)."""
    methods = [m for m in (tests_method(view), static_method(view, static)) if m is not None]
    return DimensionDraft("code_quality", tuple(methods))


def tests_method(view: SessionView) -> MethodScore | None:
    """Score from the test runs; None when the session has none."""
    runs = view.test_runs
    if not runs:
        return None
    final, first = runs[-1], runs[0]
    coverage = final.coverage
    trend = clamp(50.0 + 50.0 * (final.ratio - first.ratio)) if len(runs) > 1 else None
    score = weighted_mean([(100.0 * final.ratio, 0.6), (coverage, 0.2), (trend, 0.2)])
    evidence = [make_evidence(
        final.event, "test_result", f"Final test run: {final.passed}/{final.total} passed",
        snippet=final.output or None, value=100.0 * final.ratio)]
    if coverage is not None:
        evidence.append(make_evidence(final.event, "metric", "Final test coverage (%)",
                                      value=coverage))
    if trend is not None:
        evidence.append(make_evidence(
            first.event, "test_result",
            f"First test run: {first.passed}/{first.total} passed (trend baseline)",
            value=100.0 * first.ratio))
    return MethodScore("tests", score or 0.0, len(runs) / (len(runs) + 2.0), tuple(evidence))


def structure_score(metrics: CodeMetrics) -> float:
    """0-100 from generic metrics: short lines and functions, shallow nesting, some comments."""
    if metrics.functions:
        functions = ramp(metrics.mean_function_length, 25.0, 100.0, 80.0, 0.0)
    else:
        functions = 70.0 if metrics.lines <= 30 else 40.0
    parts = [
        (ramp(metrics.long_line_ratio, 0.0, 100.0, 1 / 3, 0.0), 0.15),
        (functions, 0.25),
        (ramp(float(metrics.max_nesting), 3.0, 100.0, 8.0, 0.0), 0.20),
        (_comment_score(metrics.comment_ratio), 0.20),
        (ramp(metrics.short_name_ratio, 0.0, 100.0, 2 / 3, 0.0), 0.20),
    ]
    return weighted_mean(parts) or 0.0


def _comment_score(ratio: float) -> float:
    """Best for 8-35% comment lines; none scores 30, mostly comments scores 60."""
    if ratio < 0.08:
        return ramp(ratio, 0.0, 30.0, 0.08, 100.0)
    return ramp(ratio, 0.35, 100.0, 0.7, 60.0)


def static_method(view: SessionView, static: StaticReport | None) -> MethodScore | None:
    """Score from static analysis and generic metrics of the final code; None without code."""
    files = [f for f in view.files if is_code_file(f.path) and f.content.strip()]
    if not files:
        return None
    linted = set(static.analysed_files) if static is not None and static.ok else set()
    scored: list[tuple[float | None, float]] = []
    evidence: list[Evidence] = []
    for code in files:
        metrics = measure(code.path, code.content)
        score = structure_score(metrics)
        if code.path in linted and static is not None:
            score = 0.35 * score + 0.65 * _python_score(code, metrics, static, evidence)
        scored.append((score, float(max(metrics.lines, 1))))
        evidence.extend(_metric_evidence(code, metrics))
    reliability = (0.7 if linted else 0.5) * (1.0 if sum(w for _, w in scored) >= 10 else 0.5)
    return MethodScore("static", weighted_mean(scored) or 0.0, reliability, tuple(evidence))


def _python_score(code: CodeFile, metrics: CodeMetrics, static: StaticReport,
                  evidence: list[Evidence]) -> float:
    """Lint density and complexity of one linted file (0-100); appends its evidence."""
    findings = [f for f in static.findings if f.file == code.path]
    density = 100.0 * len(findings) / max(metrics.lines, 1)
    lint = ramp(density, 0.0, 100.0, 10.0, 0.0)
    evidence.append(make_evidence(
        code.event, "metric", f"Lint findings per 100 lines in {code.path}",
        file_path=code.path, value=density))
    for finding in findings[:_MAX_FINDING_EVIDENCE]:
        evidence.append(make_evidence(
            code.event, "code_snippet", f"{finding.code}: {finding.message}",
            snippet=code_excerpt(code.content, finding.line, context=1),
            file_path=code.path, line=finding.line))
    functions = [c for c in static.complexity if c.file == code.path]
    if not functions:
        return lint
    worst = max(functions, key=lambda c: c.complexity)
    mean = sum(c.complexity for c in functions) / len(functions)
    complexity = 0.5 * ramp(worst.complexity, 5.0, 100.0, 15.0, 0.0) + 0.5 * ramp(
        mean, 3.0, 100.0, 10.0, 0.0)
    evidence.append(make_evidence(
        code.event, "code_snippet", f"Most complex function: {worst.name}",
        snippet=code_excerpt(code.content, worst.line, context=0), file_path=code.path,
        line=worst.line, value=float(worst.complexity)))
    return 0.6 * lint + 0.4 * complexity


def _metric_evidence(code: CodeFile, metrics: CodeMetrics) -> Sequence[Evidence]:
    """Comment ratio, deepest nesting and longest function of one file."""
    items = [make_evidence(code.event, "metric", f"Comment ratio of {code.path}",
                           file_path=code.path, value=metrics.comment_ratio)]
    if metrics.max_nesting > 0:
        items.append(make_evidence(
            code.event, "metric", f"Deepest nesting in {code.path} (levels)",
            file_path=code.path, line=metrics.deepest_line, value=float(metrics.max_nesting)))
    if metrics.functions:
        longest = max(metrics.functions, key=lambda f: f.length)
        items.append(make_evidence(
            code.event, "code_snippet",
            f"Longest function: {longest.name} ({longest.length} lines)",
            snippet=code_block(code.content, longest.line, longest.length), file_path=code.path,
            line=longest.line, value=float(longest.length)))
    return items
