"""Extremes and 95% coverage of the grid EAP next to the exact continuous-prior posterior.

Prints, for the production grid and the old [-4, 4] grid:
1. twenty-of-twenty correct (b rising to +3 as an adaptive interview asks) and the
   mirror, against the exact N(0, 1)-prior posterior;
2. coverage of theta +- 1.96 SE in simulation (20 adaptive bank items per candidate):
   overall for theta ~ N(0, 1), and for |theta| > 2 (the N(0, 1) sample's own tail and
   a dedicated sample with 2 < |theta| < 4), with the candidates the grid misses where
   the exact posterior covers;
3. the cost of one update + EAP read-out on each grid, and their ratio.

Usage: .venv/bin/python benchmarks/irt_coverage.py [--candidates 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from assess.irt import (
    Grid,
    ItemParams,
    default_item_for_difficulty,
    eap,
    initial_log_posterior,
    recommend_difficulty,
    update,
)
from assess.irt.coverage import CoverageStats, coverage, exact_posterior, simulate_coverage
from assess.irt.simulation import SimulationConfig

GRIDS = {"wide [-10,10] 151": Grid(), "old [-4,4] 61": Grid(points=61, min=-4.0, max=4.0)}


def _extreme(score: float, grid: Grid) -> tuple[float, float, float, float, bool]:
    """Twenty identical answers to items picked at the running EAP of ``grid``."""
    state, rows = initial_log_posterior(grid), []
    for _ in range(20):
        b = default_item_for_difficulty(recommend_difficulty(eap(state, grid).theta)).b
        state = update(state, grid, ItemParams(1.0, b), score)
        rows.append((1.0, b, 0.0, score))
    a, bs, c, s = (np.array(col) for col in zip(*rows, strict=True))
    est = eap(state, grid)
    ref_theta, ref_se = exact_posterior(a, bs, c, s)
    return est.theta, est.se, ref_theta, ref_se, est.at_bound


def _row(label: str, stats: CoverageStats) -> str:
    return (f"  {label:<22} n={stats.n:>5}  grid {stats.grid:6.3f}  exact {stats.exact:6.3f}"
            f"  grid-only misses {stats.grid_only_misses:>3}"
            f"  exact-only {stats.exact_only_misses:>3}"
            f"  max|dtheta| {stats.max_theta_gap:.1e}  max|dSE/SE| {stats.max_se_ratio_gap:.1e}")


def _cost_us(grid: Grid, repeats: int = 20_000) -> float:
    item, state = ItemParams(a=1.1, b=0.2, c=0.1), initial_log_posterior(grid)
    start = time.perf_counter()
    for _ in range(repeats):
        eap(update(state, grid, item, 1.0), grid)
    return (time.perf_counter() - start) / repeats * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed + 1)
    tail = rng.uniform(2.0, 4.0, args.candidates // 4) * rng.choice([-1.0, 1.0],
                                                                    args.candidates // 4)
    for name, grid in GRIDS.items():
        print(f"grid {name}")
        for label, score in (("20/20 correct", 1.0), ("20/20 wrong", 0.0)):
            theta, se, ref_theta, ref_se, edge = _extreme(score, grid)
            print(f"  {label}: EAP {theta:+.3f} SE {se:.3f} | exact {ref_theta:+.3f} SE "
                  f"{ref_se:.3f} | dtheta {theta - ref_theta:+.3f} SE ratio {se / ref_se:.3f}"
                  f" | at_bound {edge}")
        start = time.perf_counter()
        cfg = SimulationConfig(n_candidates=args.candidates, n_items=20, seed=args.seed,
                               grid=grid)
        run = simulate_coverage(cfg)
        print(_row("theta ~ N(0,1)", coverage(run)))
        print(_row("  of which |theta|>2", coverage(run, np.abs(run.true_theta) > 2.0)))
        wide = simulate_coverage(SimulationConfig(n_candidates=tail.size, n_items=20,
                                                  seed=args.seed + 2, grid=grid), tail)
        print(_row("2<|theta|<4 sample", coverage(wide)))
        print(f"  at_bound estimates in that sample: {int(wide.grid_at_bound.sum())}; "
              f"simulation {time.perf_counter() - start:.1f} s")
    costs = {name: _cost_us(grid) for name, grid in GRIDS.items()}
    wide_cost, old_cost = costs.values()
    print(f"update+eap: wide {wide_cost:.1f} us, old {old_cost:.1f} us, "
          f"ratio {wide_cost / old_cost:.2f}")


if __name__ == "__main__":
    main()
