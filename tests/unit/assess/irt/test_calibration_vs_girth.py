"""Item recovery of our MML-EM against girth's MML (PyPI) on the same simulated data.

Done-when bound of the calibration work: our RMSE of a and of b is no worse than
1.15 x girth's + 0.02, for a dense design (everyone answers every item) and a sparse
one (each respondent answers 6 of 30 items, as in adaptive testing).
"""

from __future__ import annotations

import girth  # a dev dependency (pyproject.toml), installed by scripts/bootstrap.sh
import numpy as np
import pytest
from girth.utilities import INVALID_RESPONSE as INVALID

from assess.irt.calibration import calibrate
from assess.irt.calibration_data import ResponseTable, build_table
from assess.irt.item_simulation import random_items, simulate_responses


def _girth_2pl(table: ResponseTable, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """girth's twopl_mml on the same responses (items x respondents, missing marked)."""
    order = np.array([int(i[1:]) for i in table.item_ids])
    data = np.full((n_items, table.n_persons), INVALID, dtype=int)
    data[order[table.item], table.person] = table.score.astype(int)
    fit = girth.twopl_mml(data)
    return np.asarray(fit["Discrimination"]), np.ravel(fit["Difficulty"])


def _ours(table: ResponseTable, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    result = calibrate(table)
    a, b = np.zeros(n_items), np.zeros(n_items)
    for item_id, item in zip(table.item_ids, result.items, strict=True):
        a[int(item_id[1:])], b[int(item_id[1:])] = item.a, item.b
    return a, b


def _rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((x - y) ** 2)))


@pytest.mark.parametrize(("persons", "items", "per_person"), [(1000, 15, None), (2000, 30, 6)],
                         ids=["dense", "sparse"])
def test_recovery_is_no_worse_than_girth(persons: int, items: int,
                                         per_person: int | None) -> None:
    rng = np.random.default_rng(20_240_601 + items)
    truth = random_items(rng, items)
    table = build_table(simulate_responses(rng, truth, persons, per_person).records)
    ours_a, ours_b = _ours(table, items)
    ref_a, ref_b = _girth_2pl(table, items)
    assert _rmse(ours_a, truth.a) <= 1.15 * _rmse(ref_a, truth.a) + 0.02
    assert _rmse(ours_b, truth.b) <= 1.15 * _rmse(ref_b, truth.b) + 0.02
