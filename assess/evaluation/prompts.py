"""A pure heuristic for the quality of a candidate's prompt to the AI assistant.

Good prompts in a coding interview are specific (they name code, files or errors),
state a goal or the observed problem, are written as complete sentences, and ask
for a step rather than the whole solution. The heuristic scores those features on
the product's 1-5 scale; it is deterministic and reads only the message text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PromptQuality", "assess_prompt", "mean_quality", "to_percent"]

_IDENTIFIER = re.compile(
    r"`[^`]+`|\b\w+\([^()]*\)|\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z]\w*\b|\b\w+\.(?:py|js|ts|go|rs|java)\b")
_ERROR = re.compile(
    r"\b(?:error|exception|traceback|fails?|failing|failed|assert\w*|expected|actual|"
    r"returns?|raises?|off[- ]by[- ]one|edge case|timeout|bug|wrong|instead)\b", re.IGNORECASE)
_GOAL = re.compile(
    r"\b(?:i want|i need|i'm trying|i am trying|so that|because|goal|should|how (?:do|can|"
    r"should) i|why (?:does|is|do)|what is the|could you explain|explain|is there a way)\b",
    re.IGNORECASE)
_DELEGATE = re.compile(
    r"\b(?:write (?:it )?all|do (?:it|everything|this) for me|write the (?:whole|entire|full)|"
    r"solve (?:it|this|the (?:whole )?problem)|complete solution|full solution|just give me|"
    r"give me the (?:code|answer|solution)|finish (?:it|this)|do my)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?]+[.!?]")


@dataclass(frozen=True, slots=True)
class PromptQuality:
    """Score (1-5) and the features it came from."""

    score: float
    words: int
    specific: bool
    states_problem: bool
    states_goal: bool
    complete_sentences: bool
    delegates: bool

    @property
    def clarity(self) -> float:
        """0-100: how clearly the prompt communicates (ignores delegation)."""
        parts = (self.specific, self.states_problem or self.states_goal,
                 self.complete_sentences, 8 <= self.words <= 150)
        return 100.0 * sum(parts) / len(parts)


def assess_prompt(message: str) -> PromptQuality:
    """Score one prompt: 1 (vague hand-off) .. 5 (specific, goal-directed, well formed)."""
    text = message.strip()
    words = len(text.split())
    specific = bool(_IDENTIFIER.search(text))
    problem = bool(_ERROR.search(text))
    goal = bool(_GOAL.search(text))
    sentences = _SENTENCE.findall(text)
    complete = bool(sentences) and all(len(s.split()) >= 3 for s in sentences)
    delegates = bool(_DELEGATE.search(text))
    points = 1.0
    points += 1.0 if specific else 0.0
    points += 1.0 if (problem or goal) else 0.0
    points += 0.5 if complete else 0.0
    points += 0.5 if 8 <= words <= 150 else (0.0 if words >= 4 else -0.5)
    points += 1.0 if (problem and goal) or (specific and problem) else 0.0
    points -= 2.0 if delegates else 0.0
    return PromptQuality(score=min(5.0, max(1.0, points)), words=words, specific=specific,
                         states_problem=problem, states_goal=goal,
                         complete_sentences=complete, delegates=delegates)


def mean_quality(messages: Iterable[str]) -> float | None:
    """Mean 1-5 score over non-empty messages; None when there are none."""
    scores = [assess_prompt(m).score for m in messages if m.strip()]
    return sum(scores) / len(scores) if scores else None


def to_percent(score: float) -> float:
    """Map the 1-5 prompt scale linearly onto 0-100."""
    return max(0.0, min(100.0, (score - 1.0) * 25.0))
