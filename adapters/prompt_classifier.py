"""Optional prompt-quality classification with the interview model (Haiku).

The formula in ``assess.indicators`` always works; this classifier may replace
its 1-5 score for one prompt when a key is set and ``LLM_PROMPT_CLASSIFIER`` is
on. Every call is bounded: a semaphore caps concurrent calls, each call has a
timeout, and each session has a dollar budget (``LLM_BUDGET_INTERVIEW_DOLLARS``).
Any failure, timeout or spent budget returns ``None`` and the formula is used.
Candidate text is scrubbed of personal data before it leaves the worker.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

from adapters.llm import CostLedger, LLMClient, LLMError
from assess.privacy import scrub
from runtime.logs import get_logger
from runtime.settings import Settings

__all__ = ["PROMPT_SCHEMA", "PromptClassifier"]

log = get_logger("interview-agent")

SYSTEM = ("You rate how well a candidate in a technical interview asks an AI assistant "
          "for help. Judge only the prompt, never the person.")
RUBRIC = (
    "Score 1-5. 1: no context, asks for a full solution ('write it all for me'). "
    "2: vague, names no code or error. 3: names the task or file but not the problem. "
    "4: names code, the error or the goal. 5: names code, the observed error and the "
    "intended behaviour, and asks a focused question."
)
PROMPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"quality": {"type": "integer", "minimum": 1, "maximum": 5},
                   "reason": {"type": "string", "maxLength": 300}},
    "required": ["quality"],
}
_MAX_SESSIONS = 10_000  # ledgers kept for this many recent sessions


def _validate(payload: dict[str, Any]) -> float:
    quality = payload.get("quality")
    if not isinstance(quality, int) or isinstance(quality, bool) or not 1 <= quality <= 5:
        raise ValueError("quality must be an integer from 1 to 5")
    return float(quality)


class PromptClassifier:
    """Classify prompts with bounded concurrency, a timeout and a per-session budget."""

    def __init__(self, client: LLMClient, settings: Settings, concurrency: int = 4) -> None:
        self.client, self.settings = client, settings
        self._slots = asyncio.Semaphore(concurrency)
        self._ledgers: OrderedDict[str, CostLedger] = OrderedDict()

    def _ledger(self, session_id: str) -> CostLedger:
        ledger = self._ledgers.pop(session_id, None) or CostLedger.for_interview(self.settings)
        self._ledgers[session_id] = ledger
        while len(self._ledgers) > _MAX_SESSIONS:
            self._ledgers.popitem(last=False)
        return ledger

    async def classify(self, session_id: str, prompt: str,
                       known: tuple[str, ...] = ()) -> float | None:
        """A 1-5 score, or ``None`` when the formula should be used instead."""
        ledger = self._ledger(session_id)
        text = scrub(prompt, known)[:4000]
        try:
            async with self._slots:
                result = await asyncio.wait_for(self.client.structured(
                    self.settings.interview_model, SYSTEM, RUBRIC, text, "rate_prompt",
                    PROMPT_SCHEMA, _validate, max_tokens=100, ledger=ledger),
                    self.settings.llm_timeout_seconds)
        except (LLMError, TimeoutError) as exc:
            log.info("prompt_classifier_fallback", session_id, error_type=type(exc).__name__)
            return None
        return float(result.value)
