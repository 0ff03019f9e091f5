"""LLM adapter: structured Anthropic calls, message batches, prices and budgets.

``LLMClient.structured`` forces one tool so answers arrive as validated JSON,
caches the system prompt and rubric, retries a malformed answer once and
prices every call. ``BatchRunner`` does the same through the Message Batches
API at half price. ``CostLedger`` caps what one evaluation or session spends.
"""

from adapters.llm.batches import (
    BatchFailure,
    BatchOutcome,
    BatchRunner,
    FailureKind,
    batch_status,
    cancel_batch,
)
from adapters.llm.caching import PrefixCheck, min_cacheable_tokens
from adapters.llm.client import MAX_ATTEMPTS, LLMClient, build_sdk, translate_error
from adapters.llm.errors import (
    BudgetExceeded,
    LLMError,
    LLMNotConfigured,
    LLMRejected,
    LLMUnavailable,
    MalformedLLMOutput,
)
from adapters.llm.pricing import (
    BATCH_DISCOUNT,
    DEFAULT_PRICES,
    CostLedger,
    ModelPrice,
    PriceTable,
    Usage,
    estimate_cost,
)
from adapters.llm.request import StructuredRequest, StructuredResult, Validator

__all__ = [
    "BATCH_DISCOUNT",
    "DEFAULT_PRICES",
    "MAX_ATTEMPTS",
    "BatchFailure",
    "BatchOutcome",
    "BatchRunner",
    "BudgetExceeded",
    "CostLedger",
    "FailureKind",
    "LLMClient",
    "LLMError",
    "LLMNotConfigured",
    "LLMRejected",
    "LLMUnavailable",
    "MalformedLLMOutput",
    "ModelPrice",
    "PrefixCheck",
    "PriceTable",
    "StructuredRequest",
    "StructuredResult",
    "Usage",
    "Validator",
    "batch_status",
    "build_sdk",
    "cancel_batch",
    "estimate_cost",
    "min_cacheable_tokens",
    "translate_error",
]
