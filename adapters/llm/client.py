"""Realtime structured calls to the Anthropic Messages API.

:class:`LLMClient` wraps ``anthropic.AsyncAnthropic``. Every call forces one
tool (``tool_choice={"type": "tool", ...}``) so the answer arrives as JSON tool
input, sends the system prompt and rubric as cached system blocks, validates
the tool input with the caller's validator, and retries a malformed answer
once. The SDK itself retries 408, 409, 429, 5xx (529 overloaded included) and
connection errors/timeouts with exponential backoff (0.5 s doubling to 8 s, or
the server's ``retry-after(-ms)``), ``LLM_MAX_RETRIES`` times, each attempt
bounded by ``LLM_TIMEOUT_SECONDS``; only what survives that reaches us.

Errors (see :mod:`adapters.llm.errors`)::

    LLMError
    ├── LLMUnavailable      retries exhausted: timeout, connection, 408/409/429/5xx/529
    ├── LLMRejected         other 4xx (bad request, auth, permission, not found, too large)
    ├── MalformedLLMOutput  no valid tool input, twice
    ├── BudgetExceeded      the ledger cannot cover the next call's upper-bound estimate
    └── LLMNotConfigured    no ANTHROPIC_API_KEY

Nothing here logs prompt text, answers or the API key; SDK debug logging
(which dumps request bodies) is capped at INFO when a client is built.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any, TypeVar

from anthropic import APIConnectionError, APIStatusError, APITimeoutError, AsyncAnthropic
from anthropic.types import Message

from adapters.llm.caching import PrefixCheck, min_cacheable_tokens
from adapters.llm.errors import (
    LLMError,
    LLMNotConfigured,
    LLMRejected,
    LLMUnavailable,
    MalformedLLMOutput,
)
from adapters.llm.pricing import DEFAULT_PRICES, CostLedger, PriceTable, Usage
from adapters.llm.request import (
    StructuredRequest,
    StructuredResult,
    UnusableReply,
    Validator,
    parse_tool_input,
    record_call,
    usage_from_sdk,
)
from runtime.logs import get_logger
from runtime.settings import Settings

__all__ = ["MAX_ATTEMPTS", "LLMClient", "build_sdk", "translate_error"]

T = TypeVar("T")
#: One call plus one retry when the answer is malformed.
MAX_ATTEMPTS = 2
_RETRIED_STATUSES = frozenset({408, 409, 429})
_SDK_LOGGERS = ("anthropic", "httpx2", "httpx", "httpcore")
_log = get_logger("llm")


def _cap_sdk_logging() -> None:
    """Keep SDK/HTTP debug records (request bodies, headers) out of the logs."""
    for name in _SDK_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def build_sdk(settings: Settings) -> AsyncAnthropic:
    """An ``AsyncAnthropic`` configured from settings; the key is passed, never logged."""
    if settings.anthropic_api_key is None or settings.offline:
        raise LLMNotConfigured("ANTHROPIC_API_KEY is not set; LLM features are offline")
    _cap_sdk_logging()
    return AsyncAnthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )


def translate_error(exc: APIConnectionError | APIStatusError) -> tuple[str, LLMError]:
    """The metrics outcome and adapter error for an SDK failure that outlived its retries.

    Only the status, error type and request id are kept: SDK messages embed the
    response body, which is no business of logs or dead letters.
    """
    if isinstance(exc, APITimeoutError):
        return "timeout", LLMUnavailable("Anthropic API timed out on every attempt")
    if isinstance(exc, APIConnectionError):
        return "unavailable", LLMUnavailable("could not connect to the Anthropic API")
    detail = f"status {exc.status_code} ({exc.type or 'unknown'}), request id {exc.request_id}"
    if exc.status_code in _RETRIED_STATUSES or exc.status_code >= 500:
        return "unavailable", LLMUnavailable(f"Anthropic API still failing after retries: {detail}")
    return "rejected", LLMRejected(f"Anthropic API rejected the request: {detail}",
                                   status_code=exc.status_code, error_type=exc.type)


class LLMClient:
    """Structured-output calls with cost accounting, metrics and a typed error tree."""

    def __init__(self, settings: Settings, *, prices: PriceTable = DEFAULT_PRICES,
                 sdk: AsyncAnthropic | None = None) -> None:
        self.settings = settings
        self.prices = prices
        self.sdk = sdk if sdk is not None else build_sdk(settings)

    async def aclose(self) -> None:
        await self.sdk.close()

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def structured(self, model: str, system: str, rubric: str, user: str, tool_name: str,
                         input_schema: dict[str, Any], validator: Validator[T],
                         max_tokens: int = 1024, *,
                         ledger: CostLedger | None = None) -> StructuredResult[T]:
        """Ask ``model`` for ``tool_name``'s input and return it validated.

        Raises :class:`MalformedLLMOutput` after two unusable answers,
        :class:`BudgetExceeded` before a call the ledger cannot cover, and
        :class:`LLMUnavailable` / :class:`LLMRejected` for API failures.
        """
        request = StructuredRequest(model=model, system=system, rubric=rubric, user=user,
                                    tool_name=tool_name, input_schema=input_schema,
                                    max_tokens=max_tokens)
        return await self.run(request, validator, ledger=ledger)

    async def run(self, request: StructuredRequest, validator: Validator[T], *,
                  ledger: CostLedger | None = None) -> StructuredResult[T]:
        """:meth:`structured` for a prepared :class:`StructuredRequest`."""
        usage, cost, reason = Usage(), 0.0, ""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            message, call_usage, call_cost = await self._call(request, ledger)
            usage, cost = usage + call_usage, cost + call_cost
            try:
                value = parse_tool_input(message, request.tool_name, validator)
            except UnusableReply as exc:
                reason = exc.reason
                record_call(request.model, "realtime", "malformed", call_usage, call_cost)
                _log.warning("llm_malformed_output", model=request.model, reason=reason,
                             attempt=attempt)
                continue
            record_call(request.model, "realtime", "ok", call_usage, call_cost)
            return StructuredResult(value, usage, cost, request.model, attempt)
        raise MalformedLLMOutput(
            f"{request.model} gave no valid {request.tool_name} input in {MAX_ATTEMPTS} "
            f"attempts (last: {reason})", attempts=MAX_ATTEMPTS, reason=reason)

    async def count_tokens(self, request: StructuredRequest, *, prefix: bool = True) -> int:
        """Input tokens of ``request`` as the API counts them (free; nothing is generated)."""
        try:
            counted = await self.sdk.messages.count_tokens(**request.count_params(prefix=prefix))
        except (APIConnectionError, APIStatusError) as exc:
            _outcome, error = translate_error(exc)
            raise error from None
        return counted.input_tokens

    async def prefix_tokens(self, request: StructuredRequest) -> PrefixCheck:
        """Tokens of the cached prefix (tools, system, rubric) against the model's minimum.

        The API counts whole prompts, so the prefix is the whole request less the
        same user turn sent alone.
        """
        whole = await self.count_tokens(request)
        alone = await self.count_tokens(request, prefix=False)
        return PrefixCheck(request.model, whole - alone, min_cacheable_tokens(request.model))

    async def _call(self, request: StructuredRequest,
                    ledger: CostLedger | None) -> tuple[Message, Usage, float]:
        """One API call (the SDK's retries included), priced and charged to the ledger."""
        if ledger is not None:
            ledger.ensure(request.estimate(self.prices))
        try:
            message = await self.sdk.messages.create(**request.params())
        except (APIConnectionError, APIStatusError) as exc:
            outcome, error = translate_error(exc)
            record_call(request.model, "realtime", outcome)
            _log.warning("llm_call_failed", model=request.model, outcome=outcome)
            raise error from None
        usage = usage_from_sdk(message.usage)
        cost = usage.cost(request.model, False, self.prices)
        if ledger is not None:
            ledger.charge(cost, usage)
        return message, usage, cost
