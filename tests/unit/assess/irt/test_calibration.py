"""MML-EM item calibration: recovery, monotone likelihood, sparse designs, fixed items."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.irt import Grid, InvalidInput, ItemParams
from assess.irt.calibration import CalibrationConfig, calibrate
from assess.irt.calibration_data import build_table
from assess.irt.item_simulation import ItemTruth, random_items, simulate_responses


def _truth_order(table_ids: tuple[str, ...]) -> list[int]:
    return [int(i[1:]) for i in table_ids]


def _rmse(estimate: list[float], truth: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.array(estimate) - truth) ** 2)))


def test_dense_2pl_recovers_the_generating_parameters() -> None:
    rng = np.random.default_rng(1)
    items = random_items(rng, 15)
    data = simulate_responses(rng, items, 1500)
    table = build_table(data.records)
    result = calibrate(table)
    order = _truth_order(table.item_ids)
    assert result.converged
    assert _rmse([i.a for i in result.items], items.a[order]) < 0.15
    assert _rmse([i.b for i in result.items], items.b[order]) < 0.15
    # the reported SEs are of the size of the actual errors
    se_b = np.mean([i.se_b for i in result.items if i.se_b is not None])
    assert 0.5 < se_b / _rmse([i.b for i in result.items], items.b[order]) < 2.0
    assert all(i.c == 0.0 and i.calibrated for i in result.items)


def test_marginal_likelihood_never_falls_between_cycles() -> None:
    rng = np.random.default_rng(2)
    table = build_table(simulate_responses(rng, random_items(rng, 10), 400, 5).records)
    values = [calibrate(table, config=CalibrationConfig(max_cycles=k)).log_likelihood
              for k in (1, 2, 4, 8, 16, 64)]
    assert all(b >= a - 1e-7 for a, b in itertools.pairwise(values))
    assert values[-1] > values[0]


def test_sparse_design_links_items_nobody_answered_together() -> None:
    """Each respondent sees 5 of 40 items: most pairs of items never meet."""
    rng = np.random.default_rng(3)
    items = random_items(rng, 40)
    table = build_table(simulate_responses(rng, items, 4000, 5).records)
    result = calibrate(table)
    order = _truth_order(table.item_ids)
    assert result.converged
    assert _rmse([i.b for i in result.items], items.b[order]) < 0.3
    assert _rmse([i.a for i in result.items], items.a[order]) < 0.35


def test_items_with_too_few_or_unanimous_responses_keep_their_priors() -> None:
    rng = np.random.default_rng(4)
    data = simulate_responses(rng, random_items(rng, 8), 300)
    rare = [(f"p{k}", "rare", float(k % 2)) for k in range(10)]
    easy = [(f"p{k}", "easy", 1.0) for k in range(100)]
    table = build_table([*data.records, *rare, *easy])
    priors = {"rare": ItemParams(1.3, 0.7, 0.1), "easy": ItemParams(0.9, -2.0)}
    result = calibrate(table, priors, CalibrationConfig(min_responses=30))
    by_id = dict(zip(table.item_ids, result.items, strict=True))
    rare_item, easy_item = by_id["rare"], by_id["easy"]
    assert not rare_item.calibrated and rare_item.note and "too few" in rare_item.note
    assert (rare_item.a, rare_item.b, rare_item.c) == pytest.approx((1.3, 0.7, 0.1))
    assert rare_item.se_a is None and rare_item.n == 10
    assert not easy_item.calibrated and easy_item.note
    assert "every response correct" in easy_item.note
    assert (easy_item.a, easy_item.b) == pytest.approx((0.9, -2.0))
    assert all(by_id[f"i{k}"].calibrated for k in range(8))


def test_3pl_recovers_guessing_with_its_prior() -> None:
    rng = np.random.default_rng(5)
    items = ItemTruth(a=rng.lognormal(0.2, 0.2, 12), b=rng.normal(0.3, 0.8, 12),
                      c=np.full(12, 0.2))
    table = build_table(simulate_responses(rng, items, 3000).records)
    result = calibrate(table, config=CalibrationConfig(model="3pl"))
    order = _truth_order(table.item_ids)
    cs = np.array([i.c for i in result.items])
    assert np.all((cs > 0.0) & (cs <= 0.5))
    assert abs(float(cs.mean()) - 0.2) < 0.05
    assert _rmse([i.b for i in result.items], items.b[order]) < 0.3
    assert all(i.se_c is not None for i in result.items)


def test_scale_is_fixed_by_the_ability_prior() -> None:
    """Shifting every respondent's ability shifts the b estimates by the same amount:
    nothing re-centres the data, the N(0, 1) prior fixes the scale."""
    rng = np.random.default_rng(6)
    items = random_items(rng, 10)
    shifted = ItemTruth(items.a, items.b - 0.5, items.c)  # same as theta + 0.5
    table = build_table(simulate_responses(rng, shifted, 2000).records)
    result = calibrate(table)
    order = _truth_order(table.item_ids)
    gap = np.mean([i.b for i in result.items]) - np.mean(items.b[order])
    assert gap == pytest.approx(-0.5, abs=0.1)


def test_respondent_order_and_chunking_do_not_change_the_result(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    records = simulate_responses(rng, random_items(rng, 6), 200, 4).records
    one = calibrate(build_table(records), config=CalibrationConfig(grid=Grid(41, -6, 6)))
    monkeypatch.setattr("assess.irt.em._CHUNK_CELLS", 50)  # many small blocks
    two = calibrate(build_table(list(reversed(records))),
                    config=CalibrationConfig(grid=Grid(41, -6, 6)))
    first = dict(zip(build_table(records).item_ids, one.items, strict=True))
    second = dict(zip(build_table(list(reversed(records))).item_ids, two.items, strict=True))
    for key, x in first.items():
        assert (x.a, x.b) == pytest.approx((second[key].a, second[key].b), abs=1e-9)
    assert one.log_likelihood == pytest.approx(two.log_likelihood, rel=1e-12)


records = st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3", "p4"]),
                             st.sampled_from(["q1", "q2", "q3"]),
                             st.sampled_from([0.0, 1.0, 0.5])), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(records)
def test_table_keeps_the_last_score_of_each_pair_sorted_by_respondent(
        rows: list[tuple[str, str, float]]) -> None:
    table = build_table(rows)
    latest = {(p, i): s for p, i, s in rows}
    assert table.score.size == len(latest)
    assert np.all(np.diff(table.person) >= 0)
    assert table.person_starts[0] == 0 and table.person_starts[-1] == table.score.size
    for k in range(table.score.size):
        key = (table.person_ids[table.person[k]], table.item_ids[table.item[k]])
        assert latest[key] == table.score[k]


def test_bad_input_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="no responses"):
        build_table([])
    with pytest.raises(InvalidInput, match=r"\[0, 1\]"):
        build_table([("p", "q", 1.5)])
    with pytest.raises(InvalidInput, match="2pl or 3pl"):
        CalibrationConfig(model="4pl")
