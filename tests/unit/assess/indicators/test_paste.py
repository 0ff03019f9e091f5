"""Pasted AI code: verbatim chunks of >= 3 non-trivial lines, bounded memory, counted once."""

from __future__ import annotations

import subprocess
import sys

from assess.indicators import (
    AiUsage,
    code_line_hashes,
    line_hash,
    matching_responses,
    record_chat,
    record_code_change,
    unpack_hashes,
)
from assess.indicators.paste import BLOCK_BREAK

RESPONSE = """Try this:

```python
def merge(left, right):
    result = []
    while left and right:
        result.append(left.pop(0) if left[0] <= right[0] else right.pop(0))
    return result + left + right
```
"""
PASTED = """import sys

def merge(left, right):
        result = []
        while left and right:
            result.append(left.pop(0) if left[0] <= right[0] else right.pop(0))
"""
TWO_LINES = "def merge(left, right):\n    result = []\n"


def test_hashes_only_non_trivial_code_lines() -> None:
    hashes = code_line_hashes(RESPONSE, max_lines=64)
    assert len(hashes) == 5  # "Try this:" is outside the block; all 5 code lines count
    assert code_line_hashes("no code here", 64) == ()
    assert code_line_hashes("```\n}\n)\n\n```", 64) == ()  # trivial lines only
    assert len(code_line_hashes(RESPONSE, max_lines=2)) == 2


def test_blocks_are_separated() -> None:
    two = "```\nalpha_line = 1\nbeta_line = 2\n```\ntext\n```\ngamma_line = 3\n```"
    hashes = code_line_hashes(two, 64)
    assert hashes[2] == BLOCK_BREAK and len(hashes) == 4
    # a chunk may not span two blocks
    files = {"a.py": "alpha_line = 1\nbeta_line = 2\ngamma_line = 3\n"}
    assert matching_responses(files, [hashes], 3) == ()


def test_line_hash_is_stable_across_processes() -> None:
    code = "from assess.indicators import line_hash; print(line_hash('result = []  # x'))"
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123"},
    )
    assert int(other.stdout) == line_hash("result = []  # x") != 0


def test_three_consecutive_lines_match_whatever_the_indentation() -> None:
    memory = [
        code_line_hashes("```\nunrelated_call(1, 2)\n```", 64),
        code_line_hashes(RESPONSE, 64),
    ]
    assert matching_responses({"main.py": PASTED}, memory, 3) == (1,)
    assert matching_responses({"main.py": TWO_LINES}, memory, 3) == ()


def test_record_chat_keeps_a_bounded_memory() -> None:
    usage = AiUsage()
    for i in range(7):
        usage = record_chat(
            usage,
            "q",
            f"```\nvalue_{i} = compute({i})\n```",
            [],
            short_prompt_words=5,
            memory_size=3,
            max_lines=64,
        )
    assert len(usage.code_memory) == 3
    assert unpack_hashes(usage.code_memory[-1]) == (line_hash("value_6 = compute(6)"),)


def test_manual_paste_counts_once_and_ai_edits_never() -> None:
    usage = record_chat(
        AiUsage(), "q", RESPONSE, [], short_prompt_words=5, memory_size=5, max_lines=64
    )
    usage, pasted = record_code_change(usage, {"main.py": PASTED}, "manual", min_lines=3)
    assert pasted and usage.pasted_code_changes == 1 and usage.code_memory == ()
    usage, pasted = record_code_change(usage, {"main.py": PASTED}, "manual", min_lines=3)
    assert not pasted and usage.pasted_code_changes == 1

    usage = record_chat(usage, "q", RESPONSE, [], short_prompt_words=5, memory_size=5, max_lines=64)
    usage, pasted = record_code_change(usage, {"main.py": PASTED}, "ai", min_lines=3)
    assert not pasted and usage.ai_code_changes == 1 and usage.code_memory == ()
    assert (usage.code_changes, usage.manual_code_changes) == (3, 2)
