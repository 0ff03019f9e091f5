"""Static analysis of the candidate's final code with ruff, in a subprocess.

The files are copied to a temporary directory and linted there with
``ruff check --output-format json --select E,F,W,B,C90,SIM --ignore W191,W291,W292,W293,W391,E501
--no-cache --isolated``. The ignored rules are layout an editor decides and a reader
does not see (tabs, trailing whitespace, the newline at the end of the file) and line
length, which the generic metrics already measure (one property, one place): none of
them says anything about the code, and each would cost a short solution as much as a
real defect.
Ruff parses source text; nothing of the candidate's code is imported or executed.
The mccabe rule (C901) runs with ``max-complexity = 0`` so it reports the
cyclomatic complexity of every function; those entries become
``FunctionComplexity`` values, the rest ``StaticFinding`` values. A timeout or a
ruff failure yields a report with ``error`` set, so scoring can carry on with
generic metrics instead of failing the evaluation.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.analysis.workspace import Workspace, write_workspace
from assess.evaluation.inputs import FunctionComplexity, StaticFinding, StaticReport

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "IGNORED", "RULES", "ruff_command", "run_static_analysis"]

RULES = "E,F,W,B,C90,SIM"
IGNORED = "W191,W291,W292,W293,W391,E501"
DEFAULT_TIMEOUT_SECONDS = 20.0
_PYTHON_SUFFIXES = (".py", ".pyi")
_COMPLEXITY = re.compile(r"^`(?P<name>[^`]+)` is too complex \((?P<value>\d+) > \d+\)")


def ruff_command() -> list[str]:
    """The ruff binary next to the running interpreter, else ``python -m ruff``."""
    binary = Path(sys.executable).parent / ("ruff.exe" if os.name == "nt" else "ruff")
    return [str(binary)] if binary.is_file() else [sys.executable, "-m", "ruff"]


def run_static_analysis(files: Mapping[str, str], *,
                        timeout: float = DEFAULT_TIMEOUT_SECONDS) -> StaticReport:
    """Lint the Python files among ``files`` (name -> content); others get generic metrics."""
    python = {n: c for n, c in files.items() if n.lower().endswith(_PYTHON_SUFFIXES)}
    others = tuple(sorted(n for n in files if n not in python))
    if not python:
        return StaticReport(skipped_files=others)
    with tempfile.TemporaryDirectory(prefix="ilm-static-") as tmp:
        workspace = write_workspace(Path(tmp), python)
        skipped = tuple(sorted((*others, *workspace.skipped)))
        if not workspace.written:
            return StaticReport(skipped_files=skipped)
        lines = sum(_non_blank(python[name]) for name in workspace.written.values())
        try:
            raw = _run_ruff(workspace, timeout)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            return StaticReport(analysed_files=tuple(sorted(workspace.written.values())),
                                skipped_files=skipped, python_lines=lines,
                                error=f"{type(exc).__name__}: {exc}"[:500])
        findings, complexity = _parse(raw, workspace)
    return StaticReport(findings=findings, complexity=complexity,
                        analysed_files=tuple(sorted(workspace.written.values())),
                        skipped_files=skipped, python_lines=lines)


def _non_blank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _run_ruff(workspace: Workspace, timeout: float) -> list[dict[str, Any]]:
    """Run ruff in the workspace and return its JSON diagnostics."""
    command = [*ruff_command(), "check", "--output-format", "json", "--select", RULES,
               "--ignore", IGNORED, "--no-cache", "--isolated",
               "--config", "lint.mccabe.max-complexity = 0",
               "--exit-zero", *sorted(workspace.written)]
    completed = subprocess.run(  # fixed argv, no shell
        command, cwd=workspace.root, capture_output=True, text=True, timeout=timeout,
        check=False, env={"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1"})
    if completed.returncode != 0:
        raise subprocess.SubprocessError(
            f"ruff exited with {completed.returncode}: {completed.stderr.strip()[:300]}")
    payload = json.loads(completed.stdout or "[]")
    if not isinstance(payload, list):
        raise ValueError("ruff did not return a JSON list")
    return [item for item in payload if isinstance(item, dict)]


def _parse(raw: list[dict[str, Any]], workspace: Workspace
           ) -> tuple[tuple[StaticFinding, ...], tuple[FunctionComplexity, ...]]:
    """Split ruff diagnostics into findings and per-function complexity (original file names)."""
    findings: list[StaticFinding] = []
    complexity: list[FunctionComplexity] = []
    for item in raw:
        file = _original_name(str(item.get("filename", "")), workspace)
        location = item.get("location") or {}
        line = int(location.get("row", 0)) if isinstance(location, dict) else 0
        code = str(item.get("code") or "unknown")
        message = str(item.get("message", ""))
        match = _COMPLEXITY.match(message) if code == "C901" else None
        if match:
            complexity.append(FunctionComplexity(file, match["name"], line, int(match["value"])))
        else:
            findings.append(StaticFinding(code, message, file, line))
    findings.sort(key=lambda f: (f.file, f.line))
    complexity.sort(key=lambda c: (c.file, c.line))
    return tuple(findings), tuple(complexity)


def _original_name(reported: str, workspace: Workspace) -> str:
    """Map a path ruff reports (absolute or relative) back to the candidate's file name."""
    path = Path(reported)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(workspace.root)
        except ValueError:
            return reported
    return workspace.written.get(path.as_posix(), path.as_posix())
