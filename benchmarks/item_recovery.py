"""Item-parameter recovery and planted DIF, the ``items`` and ``dif`` sections of
``benchmarks/irt_recovery.py`` (run that file; this one holds the sections)."""

from __future__ import annotations

import time
import warnings

import numpy as np

from assess.dif import mantel_haenszel_dif
from assess.irt.calibration import CalibrationConfig, calibrate
from assess.irt.calibration_data import ResponseTable, build_table
from assess.irt.item_simulation import (
    ItemTruth,
    random_items,
    shift_for_delta,
    simulate_responses,
)

DESIGNS = (("dense", 2000, 20, None), ("sparse", 5000, 100, 10))


def _rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((x - y) ** 2)))


def _ours(table: ResponseTable, n: int, model: str = "2pl") -> tuple[np.ndarray, ...]:
    result = calibrate(table, config=CalibrationConfig(model=model))
    a, b, c, se_b = (np.zeros(n) for _ in range(4))
    for item_id, item in zip(table.item_ids, result.items, strict=True):
        k = int(item_id[1:])
        a[k], b[k], c[k], se_b[k] = item.a, item.b, item.c, item.se_b or np.nan
    return a, b, c, se_b


def _girth(table: ResponseTable, n: int) -> tuple[np.ndarray, np.ndarray]:
    from girth import twopl_mml
    from girth.utilities import INVALID_RESPONSE

    order = np.array([int(i[1:]) for i in table.item_ids])
    data = np.full((n, table.n_persons), INVALID_RESPONSE, dtype=int)
    data[order[table.item], table.person] = table.score.astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = twopl_mml(data)
    return np.asarray(fit["Discrimination"]), np.ravel(fit["Difficulty"])


def items_section(seed: int) -> None:
    """2PL recovery, ours next to girth, dense and sparse; then our 3PL."""
    print("\nItem recovery (2PL, a ~ lognormal(0, 0.25), b ~ N(0, 1), theta ~ N(0, 1))")
    print(f"{'design':>6} {'resp':>5} {'items':>5} {'each':>4} | {'ours a':>7} {'b':>6} "
          f"{'s':>5} | {'girth a':>7} {'b':>6} {'s':>5} | {'a o/g':>5} {'b o/g':>5} | "
          f"{'meanSEb':>7}")
    for name, persons, n, per in DESIGNS:
        rng = np.random.default_rng(seed + n)
        truth = random_items(rng, n)
        table = build_table(simulate_responses(rng, truth, persons, per).records)
        start = time.perf_counter()
        a, b, _, se_b = _ours(table, n)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        ga, gb = _girth(table, n)
        girth_s = time.perf_counter() - start
        ra, rb, rga, rgb = (_rmse(a, truth.a), _rmse(b, truth.b), _rmse(ga, truth.a),
                            _rmse(gb, truth.b))
        print(f"{name:>6} {persons:>5} {n:>5} {per or n:>4} | {ra:7.3f} {rb:6.3f} "
              f"{ours_s:5.1f} | {rga:7.3f} {rgb:6.3f} {girth_s:5.1f} | {ra / rga:5.2f} "
              f"{rb / rgb:5.2f} | {np.nanmean(se_b):7.3f}")
    rng = np.random.default_rng(seed + 3)
    truth = ItemTruth(rng.lognormal(0.2, 0.2, 20), rng.normal(0.3, 0.8, 20), np.full(20, 0.2))
    table = build_table(simulate_responses(rng, truth, 3000).records)
    a, b, c, _ = _ours(table, 20, "3pl")
    print(f"3PL dense 3000 x 20, true c = 0.2, Beta(5, 17) prior: RMSE a {_rmse(a, truth.a):.3f}"
          f" b {_rmse(b, truth.b):.3f} c {_rmse(c, truth.c):.3f}, mean c {c.mean():.3f}"
          " (girth's threepl_mml fails on current SciPy, so no reference here)")


def dif_section(seed: int, runs: int = 10) -> None:
    """Planted DIF (true MH delta -1.5 and -2.0 on 2 of 20 items), 3000 respondents
    split evenly, and the same with 0.7 logits of impact (a weaker focal group)."""
    print("\nPlanted DIF: 20 items, 3000 respondents (half focal), items 3 and 11 shifted to "
          "true MH delta -1.5 and -2.0")
    for label, impact in (("no impact", 0.0), ("focal 0.7 weaker", -0.7)):
        flagged, clean_c, clean_b, deltas = [], 0, 0, []
        for run in range(runs):
            rng = np.random.default_rng(seed + 100 + run)
            items = random_items(rng, 20)
            planted = {3: shift_for_delta(-1.5, items.a[3]), 11: shift_for_delta(-2.0,
                                                                                  items.a[11])}
            data = simulate_responses(rng, items, 3000, focal_share=0.5, dif_shift=planted,
                                      focal_mean=impact)
            result = {i.question_id: i for i in
                      mantel_haenszel_dif(data.records, data.groups, "reference", "focal")}
            flagged += [result["i3"].dif_class, result["i11"].dif_class]
            deltas += [result["i3"].mh_delta, result["i11"].mh_delta]
            clean = [r for q, r in result.items() if q not in ("i3", "i11")]
            clean_c += sum(r.dif_class == "C" for r in clean)
            clean_b += sum(r.dif_class == "B" for r in clean)
        print(f"  {label:<17} {runs} runs: planted classes {''.join(flagged)} "
              f"(delta -1.5 item mean {np.mean(deltas[0::2]):+.2f}, -2.0 item "
              f"{np.mean(deltas[1::2]):+.2f}); clean items flagged C {clean_c} and B "
              f"{clean_b} of {18 * runs}")
