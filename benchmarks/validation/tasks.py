"""The interview task of the validation set: merge overlapping intervals, in Python.

Every code version a crafted session can reach is listed with the tests it fails,
so a session's test runs follow from its code exactly as a real test runner's
would. The suite has ten tests; the output imitates pytest's short summary.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SUITE", "TESTS", "VERSIONS", "Version", "test_output"]

SUITE = "tests/test_intervals.py"
TESTS = ("test_empty", "test_single", "test_disjoint", "test_overlapping", "test_touching",
         "test_nested", "test_unsorted", "test_many", "test_negative", "test_total_length")
ERRORS = {
    "test_touching": "AssertionError: assert [[1, 4], [4, 5]] == [[1, 5]]",
    "test_unsorted": "AssertionError: assert [[3, 4], [1, 2]] == [[1, 2], [3, 4]]",
    "test_many": "AssertionError: assert [[1, 3], [2, 6], [8, 10]] == [[1, 6], [8, 10]]",
    "test_total_length": "AssertionError: assert 7 == 6",
    "test_nested": "AssertionError: assert [[1, 10], [2, 3]] == [[1, 10]]",
    "test_negative": "AssertionError: assert [[-5, -1], [-3, 2]] == [[-5, 2]]",
}


@dataclass(frozen=True, slots=True)
class Version:
    """One state of solution.py: its text, the tests it fails and the coverage it reaches (%)."""

    code: str
    failing: tuple[str, ...]
    coverage: float


def test_output(failing: tuple[str, ...]) -> str:
    """pytest's short test summary for a run of the whole suite."""
    lines = [f"FAILED {SUITE}::{name} - {ERRORS.get(name, 'NotImplementedError')}"
             for name in failing]
    passed = len(TESTS) - len(failing)
    summary = ", ".join(part for part in (f"{len(failing)} failed" if failing else "",
                                          f"{passed} passed" if passed else "") if part)
    return "\n".join([*lines, f"{summary} in 0.04s"])


STUB = '''def merge(intervals):
    raise NotImplementedError


def total_length(intervals):
    raise NotImplementedError
'''

# Sorts nothing and merges only strict overlaps: touching, unsorted and chained fail.
DRAFT = '''def merge(intervals):
    merged = []
    for start, end in intervals:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def total_length(intervals):
    return sum(end - start for start, end in intervals)
'''

# Sorted now; touching intervals still split, so total_length double counts.
SORTED = DRAFT.replace("for start, end in intervals:", "for start, end in sorted(intervals):")
SORTED = SORTED.replace("for start, end in intervals)", "for start, end in merge(intervals))")

# Correct, plain: no documentation.
BARE = SORTED.replace("start < merged[-1][1]", "start <= merged[-1][1]")

# Correct and documented: docstrings that say why, a comment on the one subtle line.
DOCUMENTED = '''"""Merge overlapping intervals and measure what they cover."""


def merge(intervals: list[list[int]]) -> list[list[int]]:
    """Return the union of ``intervals`` as disjoint intervals sorted by start.

    Sorting first means an interval can only overlap the last merged one.
    """
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        # Touching ends count as overlap: [1, 4] and [4, 5] become [1, 5].
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def total_length(intervals: list[list[int]]) -> int:
    """Length covered by ``intervals``, counting shared stretches once."""
    return sum(end - start for start, end in merge(intervals))
'''

# The same documentation, written in Chinese.
DOCUMENTED_ZH = DOCUMENTED.replace(
    '"""Merge overlapping intervals and measure what they cover."""',
    '"""合并重叠的区间并计算它们覆盖的长度。"""').replace(
    '''    """Return the union of ``intervals`` as disjoint intervals sorted by start.

    Sorting first means an interval can only overlap the last merged one.
    """''', '''    """返回 ``intervals`` 的并集：按起点排序、互不相交的区间。

    先排序，于是一个区间只可能与最后合并的那个重叠。
    """''').replace(
    "        # Touching ends count as overlap: [1, 4] and [4, 5] become [1, 5].",
    "        # 端点相接也算重叠：[1, 4] 和 [4, 5] 合并为 [1, 5]。").replace(
    '"""Length covered by ``intervals``, counting shared stretches once."""',
    '"""``intervals`` 覆盖的总长度，重叠部分只计一次。"""')

# Partly documented: a module docstring and one function docstring.
SOME_DOCS = BARE.replace("def merge(intervals):\n", '"""Interval helpers."""\n\n\n'
                         "def merge(intervals):\n"
                         '    """Merge overlapping intervals after sorting them by start."""\n')

# Correct but hard to read: one-letter names, deep nesting, a long line, unused imports.
MESSY = '''import os, sys
import json
def merge(x):
  r=[]
  for i in sorted(x):
    if len(r)>0:
      if i[0]<=r[-1][1]:
        if i[1]>r[-1][1]:
          r[-1][1]=i[1]
        else:
          pass
      else:
        r.append([i[0],i[1]])
    else:
      r.append([i[0],i[1]])
  return r
def total_length(x):
  t=0
  for a in merge(x): t=t+a[1]-a[0]
  return t
'''

# Messy and wrong: the same shape with the strict comparison, unsorted input breaks it.
MESSY_WRONG = MESSY.replace("for i in sorted(x):", "for i in x:").replace(
    "if i[0]<=r[-1][1]:", "if i[0]<r[-1][1]:")

# Messy and returning its input unchanged where it matters: only trivial cases pass.
MESSY_BROKEN = MESSY_WRONG.replace("  return r\n", "  return x\n", 1)

# Gaming documentation: empty comment lines and docstrings that say nothing.
HOLLOW_DOCS = BARE.replace("def merge(intervals):\n", '#\n#\ndef merge(intervals):\n'
                           '    """."""\n    #\n').replace(
    "def total_length(intervals):\n", 'def total_length(intervals):\n    """."""\n    # ---\n')

# Gaming documentation: notes that restate the code, and one docstring copied everywhere.
RESTATED_DOCS = BARE.replace("def merge(intervals):\n", "def merge(intervals):\n"
                             '    """Merge intervals."""\n').replace(
    "    return merged\n", "    # return merged\n    return merged\n").replace(
    "def total_length(intervals):\n", "def total_length(intervals):\n"
    '    """Merge intervals."""\n')

VERSIONS: dict[str, Version] = {
    "stub": Version(STUB, TESTS, 10.0),
    "draft": Version(DRAFT, ("test_touching", "test_unsorted", "test_many",
                             "test_total_length"), 72.0),
    "sorted": Version(SORTED, ("test_touching", "test_total_length"), 84.0),
    "bare": Version(BARE, (), 93.0),
    "documented": Version(DOCUMENTED, (), 95.0),
    "documented_zh": Version(DOCUMENTED_ZH, (), 95.0),
    "some_docs": Version(SOME_DOCS, (), 93.0),
    "messy": Version(MESSY, (), 90.0),
    "messy_wrong": Version(MESSY_WRONG, ("test_touching", "test_unsorted", "test_many",
                                         "test_total_length", "test_nested",
                                         "test_negative", "test_overlapping"), 61.0),
    "messy_broken": Version(MESSY_BROKEN, TESTS[2:], 40.0),
    "hollow_docs": Version(HOLLOW_DOCS, (), 93.0),
    "restated_docs": Version(RESTATED_DOCS, (), 93.0),
}
