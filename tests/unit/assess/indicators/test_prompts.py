"""Prompt quality (1-5) and prompt flags on crafted prompts with exact expected values."""

from __future__ import annotations

import pytest

from assess.indicators import (
    code_reference_kinds,
    is_help_request,
    is_help_seeking,
    is_short_prompt,
    names_error,
    prompt_quality,
    states_goal,
    word_count,
)

SPECIFIC = (
    "When I call `parse_row` in utils.py on line 12 it raises KeyError for rows with a "
    "missing header column. I want it to skip such rows and log them instead, so that the "
    "whole import still finishes and the summary counts stay right."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 1.0),
        ("help", 1.04),  # L = 1/30 -> 1 + 4 * 0.3 / 30
        ("fix `foo`", 1.68),  # L = 2/30, C = 1/2 (backticks) -> 1 + 4 * (0.02 + 0.15)
        ("why does it crash", 1.96),  # L = 4/30, E = 1 -> 1 + 4 * (0.04 + 0.2)
        (SPECIFIC, 5.0),  # L = 1, C = 1, E = 1, G = 1
    ],
)
def test_prompt_quality_formula(text: str, expected: float) -> None:
    assert prompt_quality(text) == expected


def test_prompt_quality_stays_in_range_for_long_text() -> None:
    assert prompt_quality("word " * 500) == 2.2  # L saturates: 1 + 4 * 0.3


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("plain words only", 0),
        ("see `x`", 1),
        ("rename load_rows please", 1),
        ("getUser returns null", 1),
        ("call render( twice", 1),
        ("config.timeout is wrong", 1),
        ("open main.py", 1),
        ("look at line 40", 1),
        ("`load_rows` in app/io.py at line 3", 4),
        ("e.g. this", 0),
    ],
)
def test_code_reference_kinds(text: str, kinds: int) -> None:
    assert code_reference_kinds(text) == kinds


@pytest.mark.parametrize(
    ("text", "error", "goal"),
    [
        ("TypeError when I run it", True, False),
        ("the second test is failing", True, False),
        ("expected 3 but got 4", True, False),
        ("I want the list sorted by date", False, True),
        ("it should return None for empty input", False, True),
        ("what does this do", False, False),
    ],
)
def test_error_and_goal_detection(text: str, error: bool, goal: bool) -> None:
    assert names_error(text) is error
    assert states_goal(text) is goal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", True),
        ("I'm stuck", True),
        ("I don\u2019t know what to do", True),
        ("just write the code for me", True),
        ("give me the solution", True),
        ("can you fix it", True),
        ("what's wrong with this", True),
        ("Why does `merge` drop the last element of the second list?", False),
        ("Explain the difference between a set and a frozenset", False),
    ],
)
def test_help_requests(text: str, expected: bool) -> None:
    assert is_help_request(text) is expected


def test_short_prompt_counts_words() -> None:
    assert word_count("  a b\tc\n d ") == 4
    assert is_short_prompt("fix it now please", 5)
    assert not is_short_prompt("fix the off by one", 5)


@pytest.mark.parametrize(("text", "short"), [
    ("fix it", True), ("help??", True), ("帮帮我", True), ("hilfe bitte", True),
    ("fix `parse_date`", False), ("why io.py?", False), ("line 12 broken", False),
    ("这个函数为什么在空行上返回错误的结果呢", False)])
def test_short_means_no_context_in_any_language(text: str, short: bool) -> None:
    assert is_short_prompt(text, 5) is short


def test_help_seeking_needs_words_or_a_context_free_repeat() -> None:
    assert is_help_seeking("I'm stuck... can you help", 5, unprogressed=False)
    assert is_help_seeking("fix it", 5, unprogressed=False)
    assert not is_help_seeking("还是不行", 5, unprogressed=False), "first vague prompt"
    assert is_help_seeking("还是不行", 5, unprogressed=True), "vague again, no progress"
    assert not is_help_seeking("why does `merge` drop rows?", 5, unprogressed=True)
