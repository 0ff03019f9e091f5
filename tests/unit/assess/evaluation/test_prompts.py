"""Prompts are read against the session: grounded, continuous and fair to every writer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.evaluation.grounding import distinctive, read_prompt, session_vocabulary
from assess.evaluation.prompts import Target, assess_prompt, rated_turns
from assess.evaluation.session import SessionView
from tests.unit.assess.evaluation.sessions import GOOD_CODE, Recorder

FAILURE = ("FAILED tests/test_merge.py::test_touching_intervals - AssertionError: "
           "assert [[1, 4], [4, 5]] == [[1, 5]]\n1 failed, 9 passed")


def _view() -> SessionView:
    rec = Recorder()
    rec.start()
    rec.edit(60, GOOD_CODE)
    rec.test(90, passed=9, output=FAILURE)
    rec.ask(120, "placeholder")
    rec.complete(600, GOOD_CODE)
    return SessionView.from_recording(rec.events)


VIEW = _view()
VOCABULARY = session_vocabulary(VIEW)
TARGET = Target(frozenset({"test_touching_intervals", "AssertionError", "merge"}), frozenset())
HONEST = ("My merge() fails test_touching_intervals: expected [[1, 5]] but it keeps "
          "two intervals.")


def clarity(message: str, target: Target | None = TARGET) -> float:
    return assess_prompt(message, VOCABULARY, target).clarity


def test_references_are_names_of_this_session_written_as_code() -> None:
    reading = read_prompt("Why does `merge` call total_length() and what is AssertionError "
                          "in solution.py? The end of the list, the start, merge it.", VOCABULARY)
    assert reading.references == {"merge", "total_length", "AssertionError", "solution.py"}
    assert distinctive("test_touching") and distinctive("mergeIntervals")
    assert not distinctive("merge") and not distinctive("Merge")


def test_quoted_code_and_output_are_context() -> None:
    quoted = read_prompt("why is `if merged and start <= merged[-1][1]:` wrong here", VOCABULARY)
    assert quoted.quoted_tokens >= 10
    trace = read_prompt("I get: AssertionError: assert [[1, 4], [4, 5]] == [[1, 5]]", VOCABULARY)
    assert trace.quoted_tokens >= 10


@pytest.mark.parametrize("gamed", [
    "`a` error should. `b` bug must.",
    "error exception expected should because wrong instead traceback assert bug fails",
    "explain why how goal so that I want I need edge case off by one timeout",
])
def test_rubric_keywords_and_word_salad_earn_what_any_letters_of_that_length_earn(
        gamed: str) -> None:
    filler = "z" * read_prompt(gamed, VOCABULARY).prose_bytes
    assert clarity(gamed) == pytest.approx(clarity(filler))
    assert clarity(gamed) < 20 < clarity(HONEST) - 40


def test_a_list_of_names_is_less_clear_than_a_sentence_naming_two() -> None:
    salad = "merge total_length solution.py test_touching_intervals AssertionError intervals"
    assert clarity(salad) < clarity(HONEST) - 30


def test_empty_prompt_scores_nothing_and_fix_it_a_little() -> None:
    assert clarity("") == 0.0
    assert 0.0 < clarity("fix it") < clarity("it still does not work, please fix it") < 20


def test_clarity_is_continuous() -> None:
    prompts = ["fix", "fix it", "fix merge()", "merge() fails", HONEST, HONEST + " Thanks!",
               "why does merge() fail test_touching_intervals", "help me please with this"]
    values = {round(clarity(p), 3) for p in prompts}
    assert len(values) == len(prompts)


EQUAL_SPECIFICITY = [
    HONEST,
    "Mi merge() falla en test_touching_intervals: espero [[1, 5]] pero deja dos intervalos.",
    "Mein merge() scheitert an test_touching_intervals: erwartet [[1, 5]], es bleiben zwei.",
    "我的 merge() 在 test_touching_intervals 上失败：期望 [[1, 5]]，却留下两个区间。",  # noqa: RUF001
]


def test_languages_of_equal_specificity_score_alike() -> None:
    scores = [clarity(p) for p in EQUAL_SPECIFICITY]
    assert max(scores) - min(scores) <= 4.0, scores


@given(st.text(alphabet=st.characters(categories=["Ll", "Lu", "Lo", "Zs", "Po"]), max_size=40))
def test_a_sign_off_or_politeness_never_costs(extra: str) -> None:
    if read_prompt(extra, VOCABULARY).references:
        return  # the addition named something of the session: no longer only a sign-off
    for base in ("fix it", HONEST, "", "merge total_length test_touching_intervals"):
        assert clarity(f"{base} {extra}") >= clarity(base) - 1e-9
        assert clarity(f"{extra} {base}") >= clarity(base) - 1e-9


@given(st.text(alphabet=st.characters(categories=["Ll", "Lu", "Lo"]), min_size=1, max_size=30))
def test_prose_counts_by_its_bytes_not_by_its_language(word: str) -> None:
    reading = read_prompt(word, VOCABULARY)
    if reading.references:
        return
    size = reading.prose_bytes  # 0 for a name of the session: names are not prose
    other = "é" * (size // 2) + "x" * (size % 2)
    base = "merge() fails test_touching_intervals "
    assert clarity(base + word) == pytest.approx(clarity(base + other))


def test_every_prompt_of_a_session_is_rated_against_what_happened_around_it() -> None:
    rated = rated_turns(VIEW)
    assert len(rated) == 1
    _, quality = rated[0]
    assert quality.references == 0 and quality.prose_bytes == len("placeholder")
