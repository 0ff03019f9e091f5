"""Price table, usage arithmetic, cost estimates and the budget ledger."""

from __future__ import annotations

import pytest

from adapters.llm import (
    BATCH_DISCOUNT,
    DEFAULT_PRICES,
    BudgetExceeded,
    CostLedger,
    ModelPrice,
    PriceTable,
    Usage,
    estimate_cost,
)
from runtime.settings import load_settings

MILLION = 1_000_000


@pytest.mark.parametrize(("model", "price"), [
    ("claude-sonnet-4-5", ModelPrice(3.0, 15.0, 3.75, 0.30)),
    ("claude-haiku-4-5", ModelPrice(1.0, 5.0, 1.25, 0.10)),
    ("claude-3-5-haiku", ModelPrice(0.8, 4.0, 1.0, 0.08)),
])
def test_default_prices_are_list_prices_with_derived_cache_rates(
        model: str, price: ModelPrice) -> None:
    assert DEFAULT_PRICES.price(model) == pytest.approx(price)


def test_dated_model_ids_resolve_to_their_alias() -> None:
    assert DEFAULT_PRICES.price("claude-sonnet-4-5-20250929").input == 3.0
    assert DEFAULT_PRICES.price("claude-haiku-4-5-20251001").output == 5.0


def test_unknown_model_is_an_error_not_a_free_call() -> None:
    with pytest.raises(ValueError, match="no price"):
        DEFAULT_PRICES.price("claude-sonnet-4")
    with pytest.raises(ValueError):
        DEFAULT_PRICES.price("gpt-4o")


def test_each_token_kind_costs_its_own_rate() -> None:
    model = "claude-sonnet-4-5"
    assert Usage(input=MILLION).cost(model) == pytest.approx(3.0)
    assert Usage(output=MILLION).cost(model) == pytest.approx(15.0)
    assert Usage(cache_write=MILLION).cost(model) == pytest.approx(3.75)
    assert Usage(cache_read=MILLION).cost(model) == pytest.approx(0.30)


def test_batch_discount_halves_every_kind() -> None:
    usage = Usage(input=1000, output=500, cache_write=2000, cache_read=4000)
    realtime = usage.cost("claude-haiku-4-5")
    assert BATCH_DISCOUNT == 0.5
    assert usage.cost("claude-haiku-4-5", batch=True) == pytest.approx(realtime / 2)
    assert realtime == pytest.approx((1000 * 1 + 500 * 5 + 2000 * 1.25 + 4000 * 0.1) / MILLION)


def test_usage_adds_up_per_kind() -> None:
    total = Usage(1, 2, 3, 4) + Usage(10, 20, 30, 40)
    assert total == Usage(11, 22, 33, 44)
    assert total.by_kind() == {"input": 11, "output": 22, "cache_write": 33, "cache_read": 44}
    assert Usage().cost("claude-haiku-4-5") == 0.0


def test_overrides_reprice_and_add_models_from_json() -> None:
    table = DEFAULT_PRICES.with_overrides(
        '{"claude-haiku-4-5": {"input": 2, "output": 10},'
        ' "claude-opus-4-5": {"input": 5, "output": 25, "cache_read": 0.4}}')
    assert table.price("claude-haiku-4-5") == pytest.approx(ModelPrice(2, 10, 2.5, 0.2))
    assert table.price("claude-opus-4-5") == pytest.approx(ModelPrice(5, 25, 6.25, 0.4))
    assert DEFAULT_PRICES.price("claude-haiku-4-5").input == 1.0
    custom = PriceTable({"m": ModelPrice(1, 1, 1, 1)})
    assert Usage(input=MILLION).cost("m", prices=custom) == pytest.approx(1.0)


def test_estimate_is_an_upper_bound_on_a_plausible_call() -> None:
    estimate = estimate_cost("claude-sonnet-4-5", input_chars=3500, max_tokens=500)
    assert estimate == pytest.approx((1000 * 3.75 + 500 * 15) / MILLION)
    actual = Usage(input=200, cache_read=700, output=300).cost("claude-sonnet-4-5")
    assert actual < estimate
    assert estimate_cost("claude-sonnet-4-5", input_chars=3500, max_tokens=500,
                         batch=True) == pytest.approx(estimate / 2)


def test_ledger_records_spend_and_refuses_past_the_budget() -> None:
    ledger = CostLedger(budget=0.01)
    assert ledger.can_spend(0.01) and not ledger.can_spend(0.0101)
    cost = ledger.record("claude-sonnet-4-5", Usage(input=1000, output=200))
    assert cost == pytest.approx(0.006)
    assert ledger.spent == pytest.approx(0.006) and ledger.calls == 1
    assert ledger.remaining == pytest.approx(0.004)
    ledger.ensure(0.004)
    with pytest.raises(BudgetExceeded) as info:
        ledger.ensure(0.005)
    assert info.value.budget == 0.01 and info.value.estimate == 0.005
    assert not ledger.exceeded


def test_ledger_record_never_raises_even_when_over() -> None:
    ledger = CostLedger(budget=0.001)
    ledger.record("claude-haiku-4-5", Usage(output=1000), batch=True)
    ledger.charge(0.01, Usage(input=5))
    assert ledger.exceeded and ledger.remaining == 0.0
    assert ledger.usage == Usage(input=5, output=1000)
    assert not ledger.can_spend(0.0)


def test_ledgers_take_their_budgets_from_settings() -> None:
    settings = load_settings(llm_budget_evaluation_dollars=0.5, llm_budget_interview_dollars=0.1)
    assert CostLedger.for_evaluation(settings).budget == 0.5
    assert CostLedger.for_interview(settings).budget == 0.1
