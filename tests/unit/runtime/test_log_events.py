"""Every log line's event name has one style, snake_case (``worker_started``,
``dead_letter``), so operators can search and alert on them without guessing
between ``estimate-stable``, ``estimateStable`` and a printf message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("agents", "adapters", "interviewlm", "runtime", "streams", "tables", "assess")
LEVELS = {"debug", "info", "warning", "error", "critical", "exception"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _logger_names(tree: ast.Module) -> set[str]:
    """Names (and ``self.<attr>`` attributes) bound to ``get_logger(...)``/``getLogger``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("get_logger", "getLogger"):
                for target in node.targets:
                    names.add(target.attr if isinstance(target, ast.Attribute)
                              else getattr(target, "id", ""))
    return names


def _events(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    loggers = _logger_names(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(
            receiver, "id", None)
        direct = isinstance(receiver, ast.Call) and getattr(receiver.func, "id", "") == \
            "get_logger"
        if node.func.attr in LEVELS and (name in loggers or direct) and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.append((node.lineno, node.args[0].value))
        for keyword in node.keywords:  # extra={"event": "..."} on stdlib loggers
            if keyword.arg == "extra" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "event" and \
                            isinstance(value, ast.Constant):
                        found.append((node.lineno, str(value.value)))
    return found


def test_every_log_event_name_is_snake_case() -> None:
    seen, wrong = 0, []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, event in _events(path):
                seen += 1
                if not SNAKE.match(event):
                    wrong.append(f"{path.relative_to(ROOT)}:{line}: {event!r}")
    assert seen > 30  # the scan finds the log calls at all
    assert wrong == []
