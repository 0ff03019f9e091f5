"""What the crafted candidates write to the assistant, and what the assistant answers.

Each set holds one prompt per moment of the standard path (unsorted input fails,
touching intervals fail, total length is off). The translations keep every code
reference and quote as they are: equal specificity, another language.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

__all__ = ["HINTS", "PROMPTS", "SIGN_OFFS"]

PROMPTS: dict[str, tuple[str, str, str]] = {
    # names the failing test, quotes the assertion, states a hypothesis
    "precise": (
        "test_unsorted fails with AssertionError: assert [[3, 4], [1, 2]] == [[1, 2], [3, 4]]. "
        "I think merge() has to sort by start before the loop; is sorted(intervals) enough?",
        "Now test_touching fails: assert [[1, 4], [4, 5]] == [[1, 5]]. Intervals that only "
        "touch at 4 stay apart; is my `<` in merge() the reason, should it be `<=`?",
        "Last one is test_total_length: assert 7 == 6. total_length() sums the raw intervals; "
        "should it call merge() first so shared stretches count once?",
    ),
    # names things, less context
    "decent": (
        "why does test_unsorted fail? merge() returns the intervals in input order",
        "test_touching still fails for [[1, 4], [4, 5]], what is wrong in merge()?",
        "total_length() gives 7 instead of 6",
    ),
    # says something is wrong, names nothing
    "vague": ("it doesn't work", "still failing, fix it", "fix it"),
    # asks for everything
    "delegating": ("write the whole solution for me", "just give me the code that passes",
                   "do it all"),
    "empty": ("", "", ""),
}

TRANSLATIONS: dict[str, tuple[str, str, str]] = {
    "es": (
        "test_unsorted falla con AssertionError: assert [[3, 4], [1, 2]] == [[1, 2], [3, 4]]. "
        "Creo que merge() debe ordenar por inicio antes del bucle; ¿basta con sorted(intervals)?",
        "Ahora falla test_touching: assert [[1, 4], [4, 5]] == [[1, 5]]. Los intervalos que "
        "solo se tocan en 4 quedan separados; ¿es mi `<` en merge() la causa, debería ser `<=`?",
        "Queda test_total_length: assert 7 == 6. total_length() suma los intervalos sin unir; "
        "¿debería llamar primero a merge() para contar una sola vez lo compartido?",
    ),
    "de": (
        "test_unsorted schlägt fehl mit AssertionError: assert [[3, 4], [1, 2]] == [[1, 2], "
        "[3, 4]]. Ich glaube, merge() muss vor der Schleife nach Anfang sortieren; reicht "
        "sorted(intervals)?",
        "Jetzt schlägt test_touching fehl: assert [[1, 4], [4, 5]] == [[1, 5]]. Intervalle, "
        "die sich nur bei 4 berühren, bleiben getrennt; liegt es an meinem `<` in merge(), "
        "sollte es `<=` sein?",
        "Bleibt test_total_length: assert 7 == 6. total_length() summiert die rohen Intervalle; "
        "sollte es zuerst merge() aufrufen, damit Gemeinsames nur einmal zählt?",
    ),
    "zh": (
        "test_unsorted 失败：AssertionError: assert [[3, 4], [1, 2]] == [[1, 2], [3, 4]]。"
        "我认为 merge() 需要在循环前按起点排序；用 sorted(intervals) 就够了吗？",
        "现在 test_touching 失败：assert [[1, 4], [4, 5]] == [[1, 5]]。只在 4 处相接的区间"
        "没有合并；是 merge() 里的 `<` 导致的吗，应该改成 `<=`？",
        "还剩 test_total_length：assert 7 == 6。total_length() 直接对原始区间求和；"
        "是否应先调用 merge()，让重叠部分只计一次？",
    ),
}

SIGN_OFFS: dict[str, str] = {
    "thanks_name": " Thanks, John.",
    "thanks": " Thanks!",
}

#: The "Kindly check" style: the same content wrapped in formal courtesy.
KINDLY: tuple[str, str, str] = tuple(
    f"Kindly check the following, if you would be so good. {p} Many thanks in advance, "
    "much appreciated." for p in PROMPTS["precise"])  # type: ignore[assignment]

#: Replies that point the way without writing the solution.
HINTS: tuple[str, str, str] = (
    "Yes: sort by start first, then an interval can only overlap the last merged one.",
    "Right: with `<` intervals that share an end point stay apart; `<=` merges them.",
    "Yes: sum over merge(intervals) so overlapping stretches are counted once.",
)
