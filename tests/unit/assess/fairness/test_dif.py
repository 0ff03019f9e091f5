"""Mantel-Haenszel DIF: the statistics against plain formulas, ETS classes, and
simulated planted DIF (flagged) next to clean items and group impact (not flagged)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.dif import InvalidDifInput, ets_class, mantel_haenszel_dif
from assess.irt.item_simulation import random_items, shift_for_delta, simulate_responses
from interviewlm.commands.dif import pick_groups


def _records(strata: list[tuple[int, int, int, int]]) -> tuple[list[tuple[str, str, float]],
                                                               dict[str, str]]:
    """Respondents answering the studied item "q" and, to set their total score, ``k``
    padding items all correct (stratum k), with counts A, B, C, D."""
    records, groups, n = [], {}, 0
    for k, cells in enumerate(strata):
        for cell, count in enumerate(cells):
            for _ in range(count):
                person = f"p{n}"
                n += 1
                groups[person] = "ref" if cell < 2 else "foc"
                right = cell in (0, 2)
                records.append((person, "q", 1.0 if right else 0.0))
                # 3k + 1 padding items, one of them wrong for those who got "q" right:
                # everyone in stratum k answers 3k + 2 items and scores 3k + 1
                records.extend((person, f"pad{j}", 1.0) for j in range(3 * k))
                records.append((person, "pad-last", 0.0 if right else 1.0))
    return records, groups


def _plain(strata: list[tuple[int, int, int, int]]) -> tuple[float, float, float]:
    """Delta, SE and chi-square by the textbook formulas, one stratum at a time."""
    sr = ss = sa = se = sv = 0.0
    terms = [0.0, 0.0, 0.0]
    for a, b, c, d in strata:
        n = a + b + c + d
        if a + b == 0 or c + d == 0 or n < 2:
            continue
        r, s = a * d / n, b * c / n
        p, q = (a + d) / n, (b + c) / n
        sr, ss = sr + r, ss + s
        terms[0] += p * r
        terms[1] += p * s + q * r
        terms[2] += q * s
        sa += a
        se += (a + b) * (a + c) / n
        sv += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
    var = terms[0] / (2 * sr**2) + terms[1] / (2 * sr * ss) + terms[2] / (2 * ss**2)
    return -2.35 * math.log(sr / ss), 2.35 * math.sqrt(var), (abs(sa - se) - 0.5) ** 2 / sv


cells = st.tuples(*(st.integers(1, 40) for _ in range(4)))


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=1, max_size=5))
def test_statistics_match_the_textbook_formulas(strata: list[tuple[int, int, int, int]]) -> None:
    records, groups = _records(strata)
    [item] = [i for i in mantel_haenszel_dif(records, groups, "ref", "foc")
              if i.question_id == "q"]
    delta, se, chi = _plain(strata)
    assert item.mh_delta == pytest.approx(delta, rel=1e-9, abs=1e-12)
    assert item.se_delta == pytest.approx(se, rel=1e-9)
    assert item.chi_square == pytest.approx(chi, rel=1e-9)
    assert item.n == sum(map(sum, strata))


def test_swapping_the_groups_negates_delta() -> None:
    records, groups = _records([(30, 10, 20, 20), (15, 5, 10, 12)])
    one = mantel_haenszel_dif(records, groups, "ref", "foc")[0]
    two = mantel_haenszel_dif(records, groups, "foc", "ref")[0]
    assert one.mh_delta is not None and two.mh_delta is not None
    assert two.mh_delta == pytest.approx(-one.mh_delta)
    assert one.mh_delta < 0  # the reference group does better at equal score


@pytest.mark.parametrize(("delta", "se", "chi", "expected"), [
    (0.9, 0.1, 50.0, "A"),   # small
    (-1.2, 0.9, 2.0, "A"),   # not significant
    (1.2, 0.2, 20.0, "B"),
    (-1.6, 0.5, 15.0, "B"),  # large but not significantly above 1
    (-1.6, 0.2, 30.0, "C"),
    (2.5, 0.3, 60.0, "C"),
    (None, None, None, "A"),
])
def test_ets_classes(delta: float | None, se: float | None, chi: float | None,
                     expected: str) -> None:
    assert ets_class(delta, se, chi) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_dif_is_flagged_and_clean_items_are_not_classed_c(seed: int) -> None:
    rng = np.random.default_rng(seed)
    items = random_items(rng, 20)
    # planted in ETS units: a true MH delta of -1.5 (B/C boundary) and -2.0 (C-sized)
    planted = {3: shift_for_delta(-1.5, items.a[3]), 11: shift_for_delta(-2.0, items.a[11])}
    data = simulate_responses(rng, items, 3000, focal_share=0.5, dif_shift=planted)
    result = {i.question_id: i for i in
              mantel_haenszel_dif(data.records, data.groups, "reference", "focal")}
    for index in planted:
        flagged = result[f"i{index}"]
        assert flagged.dif_class in ("B", "C") and flagged.mh_delta is not None
        assert flagged.mh_delta < 0  # harder for the focal group
    clean_c = [q for q, i in result.items() if int(q[1:]) not in planted and i.dif_class == "C"]
    assert len(clean_c) <= 1


def test_ability_differences_between_groups_are_not_dif() -> None:
    """The focal group is 0.7 logits weaker on every item alike: matching on the total
    score absorbs it, so no item is classed C and few are B."""
    rng = np.random.default_rng(8)
    data = simulate_responses(rng, random_items(rng, 20), 3000, focal_share=0.5,
                              focal_mean=-0.7)
    classes = [i.dif_class for i in
               mantel_haenszel_dif(data.records, data.groups, "reference", "focal")]
    assert classes.count("C") == 0 and classes.count("B") <= 2


def test_groups_are_picked_in_order_of_appearance() -> None:
    assert pick_groups(["x", "y", "x"], None, None) == ("x", "y")
    assert pick_groups(["x", "y", "z"], "y", "z") == ("y", "z")
    with pytest.raises(InvalidDifInput, match="--focal"):
        pick_groups(["x", "y", "z"], None, None)
    with pytest.raises(InvalidDifInput, match="not in the data"):
        pick_groups(["x", "y"], "x", "w")
    with pytest.raises(InvalidDifInput, match="differ"):
        mantel_haenszel_dif([("p", "q", 1.0)], {"p": "x"}, "x", "x")
