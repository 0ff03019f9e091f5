"""Simulated response data with known item parameters, for recovery checks.

Respondents have theta ~ N(0, 1) (logits) and answer either every item (dense) or
``per_person`` items drawn at random from the bank (sparse, as in adaptive testing,
where each candidate sees a few questions of a large bank). Answers follow the 3PL
model. For DIF checks a share of respondents is the focal group, and chosen items are
harder for them by ``dif_shift`` logits at equal ability (uniform DIF).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assess.irt.model import InvalidInput

__all__ = [
    "ItemTruth", "SimulatedResponses", "random_items", "shift_for_delta", "simulate_responses",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ItemTruth:
    """True 3PL parameters of a bank of items (arrays of equal length)."""

    a: FloatArray
    b: FloatArray
    c: FloatArray

    @property
    def size(self) -> int:
        return int(self.a.size)


@dataclass(frozen=True)
class SimulatedResponses:
    """``records`` are (respondent, item, score) with ids ``p<k>`` and ``i<k>``;
    ``groups`` maps respondent id to "reference" or "focal"."""

    records: list[tuple[str, str, float]]
    theta: FloatArray
    groups: dict[str, str] = field(default_factory=dict)


def random_items(rng: np.random.Generator, n_items: int, guessing: float = 0.0) -> ItemTruth:
    """A typical bank: a ~ lognormal(0, 0.25) (median 1), b ~ N(0, 1), c fixed."""
    return ItemTruth(a=rng.lognormal(0.0, 0.25, n_items), b=rng.normal(0.0, 1.0, n_items),
                     c=np.full(n_items, float(guessing)))


def shift_for_delta(delta: float, a: float) -> float:
    """The b shift (logits) that gives an item with slope ``a`` an ETS MH delta of
    ``delta`` at every ability: a 2PL shift moves the log-odds by ``a * shift``, and
    delta = -2.35 log-odds ratio (reference over focal)."""
    return -delta / (2.35 * a)


def simulate_responses(
    rng: np.random.Generator, items: ItemTruth, n_persons: int,
    per_person: int | None = None, *, focal_share: float = 0.0,
    dif_shift: dict[int, float] | None = None, focal_mean: float = 0.0,
) -> SimulatedResponses:
    """Draw abilities and answers. ``per_person`` None: every item; otherwise that many
    distinct items each. ``dif_shift[i]`` adds to item i's b for the focal group;
    ``focal_mean`` moves the focal group's ability (impact, which is not DIF)."""
    if n_persons < 1 or (per_person is not None and not 1 <= per_person <= items.size):
        raise InvalidInput("need n_persons >= 1 and 1 <= per_person <= number of items")
    theta = rng.normal(0.0, 1.0, n_persons)
    focal = rng.random(n_persons) < focal_share
    theta = theta + np.where(focal, focal_mean, 0.0)
    shifts = np.zeros(items.size)
    for index, shift in (dif_shift or {}).items():
        shifts[index] = shift
    records: list[tuple[str, str, float]] = []
    groups: dict[str, str] = {}
    for p in range(n_persons):
        asked = (np.arange(items.size) if per_person is None
                 else rng.choice(items.size, per_person, replace=False))
        b = items.b[asked] + (shifts[asked] if focal[p] else 0.0)
        prob = items.c[asked] + (1 - items.c[asked]) / (1 + np.exp(-items.a[asked]
                                                                  * (theta[p] - b)))
        scores = (rng.random(asked.size) < prob).astype(float)
        person = f"p{p}"
        groups[person] = "focal" if focal[p] else "reference"
        records.extend((person, f"i{i}", float(s)) for i, s in zip(asked, scores, strict=True))
    return SimulatedResponses(records, theta, groups)
