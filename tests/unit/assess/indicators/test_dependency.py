"""AI dependency (0-100): the documented formula on crafted signals and counters."""

from __future__ import annotations

import pytest

from assess.indicators import AiUsage, DependencySignals, ai_dependency, dependency_signals


def test_no_ai_use_scores_zero() -> None:
    assert ai_dependency(dependency_signals(AiUsage(), 0, 0)) == 0.0


def test_formula_weights() -> None:
    # 100 * (0.30*0.5 + 0.15*0.5 + 0.30*0.5 + 0.10*0.5 + 0.15*0) = 42.5
    signals = DependencySignals(5.0, 1.5, 0.5, 0.5, 0.0)
    assert ai_dependency(signals) == 42.5


def test_each_term_saturates_at_its_weight() -> None:
    assert ai_dependency(DependencySignals(50.0, 9.0, 1.0, 1.0, 1.0)) == 100.0
    assert ai_dependency(DependencySignals(10.0, 0.0, 0.0, 0.0, 0.0)) == 30.0
    assert ai_dependency(DependencySignals(0.0, 3.0, 0.0, 0.0, 0.0)) == 15.0
    assert ai_dependency(DependencySignals(0.0, 0.0, 0.0, 0.0, 1.0)) == 15.0


def test_signals_from_counters() -> None:
    usage = AiUsage(
        interactions=8,
        tool_chats=2,
        code_changes=10,
        ai_code_changes=4,
        manual_code_changes=6,
        pasted_code_changes=3,
    )
    signals = dependency_signals(usage, questions_answered=2, test_runs=4)
    assert signals == DependencySignals(4.0, 2.0, 0.4, 0.25, 0.5)
    # 100 * (0.3*0.4 + 0.15*(2/3) + 0.3*0.4 + 0.1*0.25 + 0.15*0.5) = 44.0
    assert ai_dependency(signals) == pytest.approx(44.0)


def test_rates_use_one_when_nothing_answered_or_run() -> None:
    signals = dependency_signals(AiUsage(interactions=3), questions_answered=0, test_runs=0)
    assert (signals.chats_per_question, signals.chats_per_test_run) == (3.0, 3.0)
    assert ai_dependency(signals) == 24.0  # 100 * (0.3 * 0.3 + 0.15 * 1)
