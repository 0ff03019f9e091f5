"""Errors raised by the LLM adapter.

::

    WorkerError
    └── LLMError                                   anything the adapter raises
        ├── LLMUnavailable      (TransientError)   timeouts, dropped connections, 429/5xx/529
        │                                          after the SDK's own retries ran out
        ├── LLMRejected         (PermanentError)   4xx the API will refuse again: bad request,
        │                                          bad key, unknown model, too large
        ├── MalformedLLMOutput  (PermanentError)   no usable tool_use block, twice in a row
        ├── BudgetExceeded      (PermanentError)   the next call could exceed the cost budget
        └── LLMNotConfigured    (PermanentError)   no API key: deterministic methods only

Each error also inherits the worker's ``TransientError`` or ``PermanentError``
so agents decide "retry later" or "give up / fall back" without importing the
SDK. Messages carry status codes, error types and model names only: never the
prompt, the reply text or the API key.
"""

from __future__ import annotations

from runtime.errors import PermanentError, TransientError, WorkerError

__all__ = [
    "BudgetExceeded",
    "LLMError",
    "LLMNotConfigured",
    "LLMRejected",
    "LLMUnavailable",
    "MalformedLLMOutput",
]


class LLMError(WorkerError):
    """Root of every error the LLM adapter raises."""


class LLMUnavailable(LLMError, TransientError):
    """The API could not be reached or kept failing after the SDK's retries."""


class LLMRejected(LLMError, PermanentError):
    """The API refused the request with a status that retrying cannot change."""

    def __init__(self, message: str, *, status_code: int | None = None,
                 error_type: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_type = error_type


class MalformedLLMOutput(LLMError, PermanentError):
    """The model answered twice without a tool input that passed validation."""

    def __init__(self, message: str, *, attempts: int, reason: str) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.reason = reason


class BudgetExceeded(LLMError, PermanentError):
    """Spending the estimate would take the ledger over its dollar budget."""

    def __init__(self, message: str, *, budget: float, spent: float, estimate: float) -> None:
        super().__init__(message)
        self.budget = budget
        self.spent = spent
        self.estimate = estimate


class LLMNotConfigured(LLMError, PermanentError):
    """No ``ANTHROPIC_API_KEY`` is set, so no client can be built."""
