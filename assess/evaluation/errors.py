"""The evaluation domain's error tree.

::

    EvaluationError               root: nothing in this package raises anything else on bad input
    ├── SessionNotComplete        the recording has no ``session-complete`` event yet
    ├── InvalidRubric             weights missing, negative, or not summing to 1
    └── InvalidReview             an LLM review payload is not the documented shape

An evaluation agent can catch ``EvaluationError`` and dead-letter the job: retrying
the same recording cannot change the outcome.
"""

from __future__ import annotations

__all__ = ["EvaluationError", "InvalidReview", "InvalidRubric", "SessionNotComplete"]


class EvaluationError(ValueError):
    """Root of every error the evaluation domain raises."""


class SessionNotComplete(EvaluationError):
    """Scoring was asked for a session whose recording has no ``session-complete`` event."""


class InvalidRubric(EvaluationError):
    """A rubric's weights or threshold are unusable."""


class InvalidReview(EvaluationError):
    """An LLM review payload is not an object of per-dimension reviews."""
