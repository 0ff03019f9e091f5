"""AI dependency: how much of the candidate's work leans on the assistant, 0-100.

::

    dependency = 100 * (0.30 min(1, chats_per_question / 10)
                      + 0.15 min(1, chats_per_test_run / 3)
                      + 0.30 ai_code_share
                      + 0.10 tool_chat_share
                      + 0.15 paste_share)                     rounded to 1 decimal

    chats_per_question = AI chats / max(1, questions answered)
    chats_per_test_run = AI chats / max(1, test runs)
    ai_code_share      = code-changed events with trigger "ai" / all code-changed events
    tool_chat_share    = AI chats in which the assistant used a tool / AI chats
    paste_share        = manual code changes containing AI response code / manual changes

Each share is 0 when its denominator is 0. 10 chats per question and 3 chats per test run
saturate their terms. A session with no AI use scores 0; one where the assistant
wrote every change and the candidate chats constantly scores near 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from assess.indicators.usage import AiUsage

__all__ = ["DependencySignals", "ai_dependency", "dependency_signals"]

_WEIGHTS = (0.30, 0.15, 0.30, 0.10, 0.15)
_CHATS_PER_QUESTION_FULL = 10.0
_CHATS_PER_TEST_RUN_FULL = 3.0


@dataclass(frozen=True, slots=True)
class DependencySignals:
    """The inputs of :func:`ai_dependency`; rates are per question / per test run."""

    chats_per_question: float
    chats_per_test_run: float
    ai_code_share: float
    tool_chat_share: float
    paste_share: float


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def dependency_signals(
    usage: AiUsage, questions_answered: int, test_runs: int
) -> DependencySignals:
    """Derive the dependency signals from a session's usage counters."""
    return DependencySignals(
        chats_per_question=usage.interactions / max(1, questions_answered),
        chats_per_test_run=usage.interactions / max(1, test_runs),
        ai_code_share=usage.ai_code_share,
        tool_chat_share=_share(usage.tool_chats, usage.interactions),
        paste_share=_share(usage.pasted_code_changes, usage.manual_code_changes),
    )


def ai_dependency(signals: DependencySignals) -> float:
    """AI dependency 0-100 by the formula in the module docstring."""
    terms = (
        min(1.0, signals.chats_per_question / _CHATS_PER_QUESTION_FULL),
        min(1.0, signals.chats_per_test_run / _CHATS_PER_TEST_RUN_FULL),
        min(1.0, max(0.0, signals.ai_code_share)),
        min(1.0, max(0.0, signals.tool_chat_share)),
        min(1.0, max(0.0, signals.paste_share)),
    )
    return round(100.0 * sum(w * t for w, t in zip(_WEIGHTS, terms, strict=True)), 1)
