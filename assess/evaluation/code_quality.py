"""Code quality (40% by default): tests and static analysis of the final code.

* ``tests``: the last run of the whole suite (runs of a subset are not comparable):
  passed / suite size (80%) and coverage when the platform reports it (20%).
  Without any run the method is missing and counts against the dimension:
  correctness that was never checked earns no credit, and confidence falls.
  Code changed after that run lowers the method's reliability.
* ``static``: for linted Python files, ruff findings per statement (pylint's scale:
  an error counts five, anything else one; layout an editor decides is not linted) and
  cyclomatic complexity; for every code file, generic structure metrics (line and function
  length, nesting depth, one-letter names). Comments are not counted here (the
  communication dimension reads whether they carry content). Files are weighted by
  their number of non-blank lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from assess.evaluation.codemetrics import CodeMetrics, is_code_file, measure
from assess.evaluation.edits import edits
from assess.evaluation.evidence import code_block, code_excerpt, make_evidence
from assess.evaluation.inputs import StaticFinding, StaticReport
from assess.evaluation.methods import (
    DimensionDraft,
    MethodScore,
    Missing,
    clamp,
    ramp,
    weighted_mean,
)
from assess.evaluation.result import Evidence
from assess.evaluation.session import CodeFile, SessionView

__all__ = ["lint_score", "score_code_quality", "static_method", "structure_score",
           "tests_method"]

_MAX_FINDING_EVIDENCE = 3
_UNTESTED_CHANGE_FACTOR = 0.6


def score_code_quality(view: SessionView, static: StaticReport | None) -> DimensionDraft:
    """The code-quality dimension's deterministic methods (the LLM is added by the caller)."""
    return DimensionDraft.of("code_quality", [tests_method(view), static_method(view, static)])


def tests_method(view: SessionView) -> MethodScore | Missing:
    """Score from the last full-suite run; Missing (no credit) when no test ever ran."""
    runs = view.full_runs
    if not runs:
        return Missing("tests", "no test run: correctness was never checked", True)
    final, size = runs[-1], view.suite_size
    correct = 100.0 * clamp(final.passed / size, 0.0, 1.0)
    score = weighted_mean([(correct, 0.8), (final.coverage, 0.2)]) or 0.0
    gaps = [] if final.coverage is not None else ["no coverage reported"]
    reliability = 0.9 * size / (size + 4.0)
    if any(e.size and e.change.event.seq > final.event.seq for e in edits(view)):
        reliability *= _UNTESTED_CHANGE_FACTOR
        gaps.append("the code changed after the last full test run")
    evidence = [make_evidence(
        final.event, "test_result", f"Last full test run: {final.passed}/{size} passed",
        snippet=final.output or None, value=correct)]
    if final.coverage is not None:
        evidence.append(make_evidence(final.event, "metric", "Final test coverage (%)",
                                      value=final.coverage))
    return MethodScore("tests", clamp(score), reliability, tuple(evidence), tuple(gaps))


def structure_score(metrics: CodeMetrics) -> float:
    """0-100 from generic metrics: short lines and functions, shallow nesting, real names."""
    if metrics.functions:
        functions = ramp(metrics.mean_function_length, 25.0, 100.0, 80.0, 0.0)
    else:
        functions = 70.0 if metrics.lines <= 30 else 40.0
    parts = [
        (ramp(metrics.long_line_ratio, 0.0, 100.0, 1 / 3, 0.0), 0.20),
        (functions, 0.30),
        (ramp(float(metrics.max_nesting), 3.0, 100.0, 8.0, 0.0), 0.25),
        (ramp(metrics.short_name_ratio, 0.0, 100.0, 2 / 3, 0.0), 0.25),
    ]
    return weighted_mean(parts) or 0.0


#: Findings that mean the code cannot run as written (syntax, undefined names, invalid
#: comparisons and statements): the set CI pipelines commonly stop a build on.
_ERROR_PREFIXES = ("E9", "F63", "F7", "F82")
_ERROR_WEIGHT = 5.0


def lint_score(findings: Sequence[StaticFinding], metrics: CodeMetrics) -> float:
    """0-100 on pylint's global-evaluation scale: 100 - 100 * (5 * errors + others) / statements.

    A finding costs in proportion to the code's size and the score reaches 0 only at
    about one finding per statement (or one error per five), so in a short solution one
    unused import costs a few points, less than one failing test, and more findings
    keep costing more instead of all scoring the same 0. Statements are counted as
    non-blank lines that are not comments.
    """
    statements = max(metrics.lines - metrics.comment_lines, 1)
    weighted = sum(_ERROR_WEIGHT if f.code.startswith(_ERROR_PREFIXES) else 1.0
                   for f in findings)
    return clamp(100.0 - 100.0 * weighted / statements)


def static_method(view: SessionView, static: StaticReport | None) -> MethodScore | Missing:
    """Score from static analysis and generic metrics of the final code; Missing without code."""
    files = [f for f in view.files if is_code_file(f.path) and f.content.strip()]
    if not files:
        return Missing("static", "no code to analyse", True)
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
    lines = sum(w for _, w in scored)
    reliability = (0.7 if linted else 0.5) * min(1.0, (lines + 5.0) / 20.0)
    gaps = () if linted else ("no lint report (generic metrics only)",)
    return MethodScore("static", clamp(weighted_mean(scored) or 0.0), reliability,
                       tuple(evidence), gaps)


def _python_score(code: CodeFile, metrics: CodeMetrics, static: StaticReport,
                  evidence: list[Evidence]) -> float:
    """Lint density and complexity of one linted file (0-100); appends its evidence."""
    findings = [f for f in static.findings if f.file == code.path]
    density = 100.0 * len(findings) / max(metrics.lines, 1)
    lint = lint_score(findings, metrics)
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
    """Deepest nesting and longest function of one file."""
    items: list[Evidence] = []
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
