"""Token prices, usage arithmetic and per-evaluation / per-session cost budgets.

Prices are US dollars per million tokens. Prompt-cache writes (5-minute TTL)
cost 1.25x the input price and cache reads 0.1x; the Message Batches API halves
every figure. Defaults, Anthropic list prices at the time of writing:

==================  =====  ======  ===========  ==========
model               input  output  cache_write  cache_read
==================  =====  ======  ===========  ==========
claude-sonnet-4-5    3.00   15.00         3.75        0.30
claude-haiku-4-5     1.00    5.00         1.25        0.10
claude-3-5-haiku     0.80    4.00         1.00        0.08
==================  =====  ======  ===========  ==========

The seed system priced Haiku at $0.80/$4: those are Haiku 3.5 figures, kept
only under the 3.5 name. Override the table with :meth:`PriceTable.with_overrides`
(e.g. from a JSON setting) when list prices change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from adapters.llm.errors import BudgetExceeded

if TYPE_CHECKING:
    from runtime.settings import Settings

__all__ = [
    "BATCH_DISCOUNT",
    "CHARS_PER_TOKEN",
    "DEFAULT_PRICES",
    "CostLedger",
    "ModelPrice",
    "PriceTable",
    "Usage",
    "estimate_cost",
]

#: Fraction of the list price the Message Batches API charges.
BATCH_DISCOUNT = 0.5
#: Rough characters per token for English prose; used only for budget estimates.
CHARS_PER_TOKEN = 3.5
_PER_TOKEN = 1e-6


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """Dollars per million tokens of each kind for one model."""

    input: float
    output: float
    cache_write: float
    cache_read: float

    @classmethod
    def from_base(cls, input: float, output: float) -> ModelPrice:
        """Derive the cache prices from the input price (1.25x write, 0.1x read)."""
        return cls(input, output, round(input * 1.25, 6), round(input * 0.1, 6))


@dataclass(frozen=True, slots=True)
class Usage:
    """Billed tokens of one or more API calls. ``+`` adds them up."""

    input: int = 0
    output: int = 0
    cache_write: int = 0
    cache_read: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input + other.input, self.output + other.output,
                     self.cache_write + other.cache_write, self.cache_read + other.cache_read)

    def by_kind(self) -> dict[str, int]:
        """Token counts keyed by the ``kind`` label of ``LLM_TOKENS``."""
        return {"input": self.input, "output": self.output,
                "cache_write": self.cache_write, "cache_read": self.cache_read}

    def cost(self, model: str, batch: bool = False, prices: PriceTable | None = None) -> float:
        """Dollars for these tokens on ``model``; ``batch`` applies the 50% discount."""
        price = (prices or DEFAULT_PRICES).price(model)
        dollars = _PER_TOKEN * (self.input * price.input + self.output * price.output
                                + self.cache_write * price.cache_write
                                + self.cache_read * price.cache_read)
        return dollars * BATCH_DISCOUNT if batch else dollars


@dataclass(frozen=True)
class PriceTable:
    """Prices by model name. A dated id (``claude-sonnet-4-5-20250929``) matches its alias."""

    prices: Mapping[str, ModelPrice]

    def price(self, model: str) -> ModelPrice:
        """The price of ``model``, by exact name or else by the longest matching prefix."""
        if model in self.prices:
            return self.prices[model]
        matches = [name for name in self.prices if model.startswith(name + "-")]
        if not matches:
            raise ValueError(f"no price configured for model {model!r}")
        return self.prices[max(matches, key=len)]

    def with_overrides(self, overrides: Mapping[str, Mapping[str, float]] | str) -> PriceTable:
        """A copy with some models added or repriced.

        ``overrides`` maps model -> ``{"input": .., "output": ..}`` (cache prices
        derived unless given), or is the same as a JSON string.
        """
        raw = json.loads(overrides) if isinstance(overrides, str) else overrides
        merged = dict(self.prices)
        for model, figures in raw.items():
            base = ModelPrice.from_base(float(figures["input"]), float(figures["output"]))
            merged[model] = ModelPrice(
                base.input, base.output,
                float(figures.get("cache_write", base.cache_write)),
                float(figures.get("cache_read", base.cache_read)))
        return PriceTable(merged)


DEFAULT_PRICES = PriceTable({
    "claude-sonnet-4-5": ModelPrice.from_base(3.0, 15.0),
    "claude-haiku-4-5": ModelPrice.from_base(1.0, 5.0),
    "claude-3-5-haiku": ModelPrice.from_base(0.8, 4.0),
})


def estimate_cost(model: str, *, input_chars: int, max_tokens: int, batch: bool = False,
                  prices: PriceTable | None = None, cached_chars: int | None = None) -> float:
    """An upper-bound guess of one call's cost, for the budget check before sending it.

    The cacheable prefix (``cached_chars`` of the ``input_chars``; all of them when
    not given) is priced as a cache write, the dearest input kind, the rest as plain
    input (text after the last cache breakpoint is never written to the cache), and
    the reply as ``max_tokens`` of output. So a call that passes the check cannot
    cost more unless the characters-per-token guess is badly off.
    """
    cached = input_chars if cached_chars is None else min(max(cached_chars, 0), input_chars)
    write = math.ceil(cached / CHARS_PER_TOKEN)
    plain = math.ceil((input_chars - cached) / CHARS_PER_TOKEN)
    return Usage(input=plain, cache_write=write, output=max_tokens).cost(model, batch, prices)


@dataclass
class CostLedger:
    """A dollar budget for one evaluation or one interview session.

    Call :meth:`ensure` (or :meth:`can_spend`) with an estimate before a call
    and :meth:`record` with the billed usage after it. ``record`` never raises:
    the money is spent by then, and the next ``ensure`` refuses instead.
    """

    budget: float
    prices: PriceTable = DEFAULT_PRICES
    spent: float = 0.0
    usage: Usage = field(default_factory=Usage)
    calls: int = 0

    @property
    def remaining(self) -> float:
        return max(0.0, self.budget - self.spent)

    @property
    def exceeded(self) -> bool:
        return self.spent > self.budget

    def can_spend(self, estimate: float) -> bool:
        """Whether ``estimate`` more dollars still fit in the budget."""
        return self.spent + estimate <= self.budget + 1e-12

    def ensure(self, estimate: float) -> None:
        """Raise :class:`BudgetExceeded` unless ``estimate`` more dollars fit."""
        if not self.can_spend(estimate):
            raise BudgetExceeded(
                f"LLM budget ${self.budget:.4f} would be exceeded: spent ${self.spent:.4f}, "
                f"next call up to ${estimate:.4f}",
                budget=self.budget, spent=self.spent, estimate=estimate)

    def record(self, model: str, usage: Usage, batch: bool = False) -> float:
        """Add billed usage priced from this ledger's table; returns its cost in dollars."""
        return self.charge(usage.cost(model, batch, self.prices), usage)

    def charge(self, cost: float, usage: Usage) -> float:
        """Add a call whose cost the caller already worked out; returns ``cost``."""
        self.spent += cost
        self.usage = self.usage + usage
        self.calls += 1
        return cost

    @classmethod
    def for_evaluation(cls, settings: Settings, prices: PriceTable = DEFAULT_PRICES) -> CostLedger:
        """A ledger holding ``LLM_BUDGET_EVALUATION_DOLLARS`` for one evaluation."""
        return cls(settings.llm_budget_evaluation_dollars, prices)

    @classmethod
    def for_interview(cls, settings: Settings, prices: PriceTable = DEFAULT_PRICES) -> CostLedger:
        """A ledger holding ``LLM_BUDGET_INTERVIEW_DOLLARS`` for one interview session."""
        return cls(settings.llm_budget_interview_dollars, prices)
