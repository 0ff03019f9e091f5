"""The ruff adapter: real findings on temp copies, safe paths, candidate code never run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from adapters.analysis import run_static_analysis, safe_relative_path
from assess.evaluation import score_session
from tests.unit.assess.evaluation.sessions import Recorder

BRANCHY = '''import os


def classify(n: int) -> str:
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    return "large"
'''


def test_finds_unused_import_and_complexity() -> None:
    report = run_static_analysis({"pkg/solution.py": BRANCHY, "notes.md": "# notes"})
    assert report.error is None and report.ok
    assert report.analysed_files == ("pkg/solution.py",)
    assert report.skipped_files == ("notes.md",)
    assert report.python_lines == 9
    codes = [(f.code, f.file, f.line) for f in report.findings]
    assert ("F401", "pkg/solution.py", 1) in codes
    assert all(f.code != "C901" for f in report.findings)
    [fn] = report.complexity
    assert (fn.file, fn.name, fn.line, fn.complexity) == ("pkg/solution.py", "classify", 4, 4)


def test_code_is_parsed_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed.txt"
    evil = (f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
            "if __name__ == '__main__':\n    Path('x').write_text('ran')\n")
    conftest = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('conftest')\n"
    report = run_static_analysis({"main.py": evil, "conftest.py": conftest,
                                  "setup.py": evil, "__init__.py": evil})
    assert report.error is None
    assert len(report.analysed_files) == 4
    assert not marker.exists()


@pytest.mark.parametrize("name, expected", [
    ("solution.py", "solution.py"),
    ("/etc/passwd.py", "etc/passwd.py"),
    ("../../outside.py", "outside.py"),
    ("a/./b/../c.py", "a/b/c.py"),
    ("C:\\Users\\x\\evil.py", "Users/x/evil.py"),
    ("we ird$name.py", "we_ird_name.py"),
    ("..", None),
    ("/", None),
    ("...", None),
])
def test_paths_are_sanitised(name: str, expected: str | None) -> None:
    assert safe_relative_path(name) == expected


def test_unsafe_names_stay_inside_the_temp_dir(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    report = run_static_analysis({"../../" + str(outside): "import os\n", "..": "x = 1\n"})
    assert not outside.exists()
    assert report.skipped_files == ("..",)
    assert [f.code for f in report.findings] == ["F401"]
    assert report.findings[0].file == "../../" + str(outside)


def test_syntax_errors_are_findings_not_failures() -> None:
    report = run_static_analysis({"broken.py": "def f(:\n    pass\n"})
    assert report.error is None
    assert report.findings and report.findings[0].code == "invalid-syntax"


def test_non_python_only_skips_ruff() -> None:
    report = run_static_analysis({"main.go": "package main\n"})
    assert report.findings == () and report.analysed_files == ()
    assert report.skipped_files == ("main.go",) and not report.ok


def test_timeout_becomes_an_error_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(cmd="ruff", timeout=0.01)

    monkeypatch.setattr(subprocess, "run", hang)
    report = run_static_analysis({"a.py": "import os\n"}, timeout=0.01)
    assert report.error is not None and "TimeoutExpired" in report.error
    assert report.findings == () and not report.ok


def test_report_feeds_the_scorer() -> None:
    rec = Recorder()
    rec.start()
    rec.edit(10, BRANCHY)
    rec.test(20, passed=10)
    rec.complete(60, BRANCHY)
    report = run_static_analysis({"solution.py": BRANCHY})
    quality = score_session(rec.events, static=report).dimension("code_quality")
    unused = [e for e in quality.evidence if e.description.startswith("F401")]
    assert unused[0].line == 1 and unused[0].snippet is not None
    assert "import os" in unused[0].snippet
    assert unused[0].event_id == rec.events[-1].event_id
    complex_fn = [e for e in quality.evidence if e.description.startswith("Most complex")]
    assert complex_fn[0].value == 4.0


def test_layout_an_editor_decides_is_not_a_finding() -> None:
    """No final newline, trailing blanks, tab indentation, a 95-character line: nothing.

    The code itself is clean, so any finding here would be about the candidate's editor.
    """
    long_name = "x" * 70
    code = (f"def merge(intervals):  \n\tmerged = []\n\t\n\t{long_name} = sorted(intervals)\n"
            f"\tfor start, end in {long_name}:\n\t\tmerged.append([start, end])\n"
            "\treturn merged")
    assert max(len(line) for line in code.splitlines()) > 88
    report = run_static_analysis({"solution.py": code})
    assert report.error is None
    assert report.findings == ()
    real = run_static_analysis({"solution.py": "import os\n" + code + "\n"})
    assert [f.code for f in real.findings] == ["F401"]
