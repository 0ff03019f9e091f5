"""Monte-Carlo measurement of ability recovery for adaptive interviews.

Simulated candidates have a known true theta ~ N(0, 1) (logits). Each one answers
``n_items`` adaptively chosen questions; answers are drawn from the 3PL model with a
seeded numpy Generator, so a run is reproducible from its seed. Items have a ~ 1 with
small jitter, c = 0, and b picked by the selection rule of the policy under test:

* ``eap``: grid EAP posterior; next item from ``recommend_difficulty(eap theta)``.
* ``heuristic``: the previous rule - start at 0, +step if correct else -step,
  se = 1.5 / sqrt(n); next item from ``recommend_difficulty(heuristic theta)``.

By default b is the bank calibration of the recommended 1..10 label (what production
asks); ``bank_items=False`` asks an item at exactly the most informative b instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assess.irt.grid import Grid
from assess.irt.information import most_informative_b, recommend_difficulty
from assess.irt.model import InvalidInput, ItemParams, default_item_for_difficulty, prob_correct
from assess.irt.posterior import eap, initial_log_posterior, update

__all__ = [
    "POLICIES",
    "CheckpointStats",
    "SimulationConfig",
    "Trajectories",
    "draw_answer",
    "next_item",
    "simulate",
    "summarise",
]

FloatArray = npt.NDArray[np.float64]
Policy = Callable[[np.random.Generator, float, "SimulationConfig"], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True)
class SimulationConfig:
    """Size, seed and item-generation settings of one simulation run."""

    n_candidates: int = 2000
    n_items: int = 20
    checkpoints: tuple[int, ...] = (5, 10, 20)
    seed: int = 20_240_601
    a_jitter_sd: float = 0.1  # sd of item discrimination around 1 (clipped to 0.5..1.5)
    heuristic_step: float = 0.3  # logits per answer for the heuristic baseline
    bank_items: bool = True
    grid: Grid = field(default_factory=Grid)

    def __post_init__(self) -> None:
        if self.n_candidates < 1 or self.n_items < 1:
            raise InvalidInput("n_candidates and n_items must be >= 1")
        if not self.checkpoints or any(not 1 <= k <= self.n_items for k in self.checkpoints):
            raise InvalidInput(f"checkpoints must lie in 1..{self.n_items}: {self.checkpoints}")


@dataclass(frozen=True)
class Trajectories:
    """Estimates at each checkpoint: arrays of shape (n_candidates, len(checkpoints))."""

    true_theta: FloatArray
    theta: FloatArray
    se: FloatArray
    checkpoints: tuple[int, ...]


@dataclass(frozen=True)
class CheckpointStats:
    """Recovery after ``n_items`` answers, all in logits (bias = mean(estimate - truth))."""

    n_items: int
    rmse: float
    bias: float
    mean_se: float


def next_item(rng: np.random.Generator, theta_hat: float, config: SimulationConfig) -> ItemParams:
    """Item asked at current estimate ``theta_hat``: jittered a, policy-chosen b, c = 0."""
    a = float(np.clip(rng.normal(1.0, config.a_jitter_sd), 0.5, 1.5))
    if config.bank_items:
        b = default_item_for_difficulty(recommend_difficulty(theta_hat)).b
    else:
        b = most_informative_b(theta_hat, 1.0, 0.0)
    return ItemParams(a=a, b=b, c=0.0)


def draw_answer(rng: np.random.Generator, true_theta: float, item: ItemParams) -> float:
    """Score 1.0 with the model probability at the true ability, else 0.0."""
    return 1.0 if rng.random() < float(prob_correct(true_theta, item)) else 0.0


def _run_eap(
    rng: np.random.Generator, true_theta: float, config: SimulationConfig
) -> tuple[FloatArray, FloatArray]:
    """One candidate under the EAP policy; returns (theta, se) after every item."""
    grid = config.grid
    state = initial_log_posterior(grid)
    current = eap(state, grid)
    thetas, ses = np.empty(config.n_items), np.empty(config.n_items)
    for i in range(config.n_items):
        item = next_item(rng, current.theta, config)
        state = update(state, grid, item, draw_answer(rng, true_theta, item))
        current = eap(state, grid, n=i + 1)
        thetas[i], ses[i] = current.theta, current.se
    return thetas, ses


def _run_heuristic(
    rng: np.random.Generator, true_theta: float, config: SimulationConfig
) -> tuple[FloatArray, FloatArray]:
    """One candidate under the fixed-step heuristic; returns (theta, se) after every item."""
    theta = 0.0
    thetas, ses = np.empty(config.n_items), np.empty(config.n_items)
    for i in range(config.n_items):
        item = next_item(rng, theta, config)
        step = config.heuristic_step
        theta += step if draw_answer(rng, true_theta, item) == 1.0 else -step
        thetas[i], ses[i] = theta, 1.5 / math.sqrt(i + 1)
    return thetas, ses


POLICIES: dict[str, Policy] = {"eap": _run_eap, "heuristic": _run_heuristic}


def simulate(config: SimulationConfig, policy: str = "eap") -> Trajectories:
    """Run ``config.n_candidates`` simulated interviews under ``policy``.

    True abilities come from the first draws of ``default_rng(seed)``, so every policy
    run with the same seed faces the same candidates; answers use a policy-specific
    child stream so policies do not share (and correlate through) answer draws.
    """
    if policy not in POLICIES:
        raise InvalidInput(f"policy must be one of {sorted(POLICIES)}, got {policy!r}")
    master = np.random.default_rng(config.seed)
    true_theta = master.normal(0.0, 1.0, size=config.n_candidates)
    rng = master.spawn(len(POLICIES))[sorted(POLICIES).index(policy)]
    columns = [k - 1 for k in config.checkpoints]
    theta = np.empty((config.n_candidates, len(columns)))
    se = np.empty_like(theta)
    for j, truth in enumerate(true_theta):
        path_theta, path_se = POLICIES[policy](rng, float(truth), config)
        theta[j], se[j] = path_theta[columns], path_se[columns]
    return Trajectories(true_theta, theta, se, config.checkpoints)


def summarise(run: Trajectories) -> list[CheckpointStats]:
    """RMSE, bias and mean SE of the estimates against the truth at each checkpoint."""
    error = run.theta - run.true_theta[:, None]
    return [
        CheckpointStats(
            n_items=k,
            rmse=float(np.sqrt(np.mean(np.square(error[:, col])))),
            bias=float(np.mean(error[:, col])),
            mean_se=float(np.mean(run.se[:, col])),
        )
        for col, k in enumerate(run.checkpoints)
    ]
