"""Documentation counts notes that carry content, in any language and any programming language."""

from __future__ import annotations

from assess.evaluation.codemetrics import measure
from assess.evaluation.communication import documentation_score
from assess.evaluation.docs import document_report
from tests.unit.assess.evaluation.sessions import GOOD_CODE, MESSY_CODE

BARE = '''def merge(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
'''


def report(code: str, path: str = "solution.py"):  # type: ignore[no-untyped-def]
    return document_report(path, code, measure(path, code))


def score(code: str, path: str = "solution.py") -> float:
    return documentation_score(report(code, path))


def test_empty_markers_and_dot_docstrings_count_nothing() -> None:
    gamed = BARE.replace("def merge(intervals):\n",
                         'def merge(intervals):\n    """."""\n    #\n    #\n    # ----\n')
    verdicts = [n.verdict for n in report(gamed).notes]
    assert verdicts == ["empty"] * 4
    assert score(gamed) == score(BARE) == 0.0


def test_restating_and_repeated_notes_count_nothing() -> None:
    gamed = BARE.replace("    return merged\n", "    # return merged\n    return merged\n")
    gamed = gamed.replace("def merge(intervals):\n", "def merge(intervals):\n"
                          '    """Merge intervals."""\n')
    assert [n.verdict for n in report(gamed).notes] == ["restates", "restates"]
    copied = "# Sort by start so only neighbours can overlap.\n" * 6 + BARE
    assert [n.verdict for n in report(copied).notes] == ["content"] + ["repeat"] * 5
    assert score(copied) <= score("# Sort by start so only neighbours can overlap.\n" + BARE)


def test_notes_with_content_document_in_any_language() -> None:
    english = BARE.replace("def merge(intervals):\n", "def merge(intervals):\n"
                           '    """Sort by start, then extend the last interval on overlap."""\n')
    chinese = BARE.replace("def merge(intervals):\n", "def merge(intervals):\n"
                           '    """按起点排序，重叠时延长最后一个区间。"""\n')  # noqa: RUF001 (Chinese punctuation)
    assert score(english) == score(chinese) > 60


def test_brace_languages_are_read_by_their_lexer() -> None:
    js = ("/** Sort by start, then extend the last interval on overlap. */\n"
          "function merge(xs) {\n  const out = [];\n  for (const [s, e] of xs) {\n"
          "    out.push([s, e]);\n  }\n  return out;\n}\n")
    assert [n.verdict for n in report(js, "merge.js").notes] == ["content"]
    assert [s.name for s in report(js, "merge.js").documented] == ["merge"]


def test_documented_code_beats_bare_and_messy_code() -> None:
    assert score(GOOD_CODE) > 80 > score(BARE) == score(MESSY_CODE) == 0.0
