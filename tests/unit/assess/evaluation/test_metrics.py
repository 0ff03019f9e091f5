"""Generic code metrics and the AI-dependency curve."""

from __future__ import annotations

import pytest

from assess.evaluation.codemetrics import is_code_file, measure
from assess.evaluation.methods import dependency_score
from tests.unit.assess.evaluation.sessions import GOOD_CODE, MESSY_CODE

JS = """// Add two numbers.
function add(a, b) {
  if (a) {
    return a + b;
  }
  return b;
}

function sub(a, b) {
  return a - b;
}
"""


def test_python_metrics() -> None:
    good = measure("s.py", GOOD_CODE)
    assert [f.name for f in good.functions] == ["merge", "total_length"]
    assert good.documented_ratio == 1.0
    assert good.functions[0].length == 10
    assert good.comment_lines == 4
    assert good.max_nesting == 2
    messy = measure("s.py", MESSY_CODE)
    assert messy.documented_ratio == 0.0 and messy.comment_lines == 0
    assert messy.max_nesting == 5
    assert messy.long_lines == 0
    assert messy.short_names == 4  # f, r, g, l
    assert messy.short_name_ratio > good.short_name_ratio


def test_brace_language_metrics() -> None:
    metrics = measure("a.js", JS)
    assert [(f.name, f.line, f.length, f.documented) for f in metrics.functions] == [
        ("add", 2, 6, True), ("sub", 9, 3, False)]
    assert metrics.max_nesting == 1
    assert metrics.comment_lines == 1


def test_long_lines_and_file_kinds() -> None:
    metrics = measure("x.go", "x := 1\n" + "y := \"" + "a" * 120 + "\"\n")
    assert metrics.long_lines == 1 and metrics.long_line_ratio == 0.5
    assert is_code_file("main.go") and not is_code_file("README.md")


@pytest.mark.parametrize("dependency, score", [
    (0, 100), (15, 100), (30, 100), (50, 100), (75, 55), (100, 10), (150, 10), (-5, 100)])
def test_only_over_reliance_lowers_the_score(dependency: float, score: float) -> None:
    assert dependency_score(dependency) == pytest.approx(score)
