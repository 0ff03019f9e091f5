"""One structured (forced tool use) request, its parsing, and its metrics.

Shared by the realtime client and the batch runner so both build the same
request body (and so hit the same prompt-cache prefix) and judge replies by
the same rules. The prompt parts are only ever sent to the API: nothing here
logs them, and parse failures are described by kind, never by content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from anthropic.types import (
    Message,
    MessageParam,
    TextBlockParam,
    ToolChoiceToolParam,
    ToolParam,
    ToolUseBlock,
)
from anthropic.types import Usage as SDKUsage
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming

from adapters.llm.pricing import PriceTable, Usage, estimate_cost
from runtime.metrics import LLM_COST, LLM_REQUESTS, LLM_TOKENS

__all__ = [
    "Mode",
    "StructuredRequest",
    "StructuredResult",
    "UnusableReply",
    "Validator",
    "parse_tool_input",
    "record_call",
    "usage_from_sdk",
]

T = TypeVar("T")
Mode = Literal["realtime", "batch"]
#: Turns the tool input dict into the caller's type; raises ValueError (pydantic's
#: ValidationError is one), TypeError or LookupError to reject it.
Validator = Callable[[dict[str, Any]], T]
_REJECTIONS = (ValueError, TypeError, LookupError)


@dataclass(frozen=True)
class StructuredRequest:
    """A prompt whose answer must come back as the input of one named tool.

    ``system`` and ``rubric`` are stable across calls and sent as two system
    blocks; ``user`` varies per call. The API renders the prompt as tools, then
    system, then messages, and caches the prefix up to a ``cache_control``
    breakpoint when it reaches the model's minimum (1,024 tokens for Sonnet 4.5,
    more for some models). So one breakpoint, on the last system block, caches the
    tool schema, the instructions and the rubric together: a breakpoint after the
    instructions alone would mark a prefix too short to cache, and would only
    spend one of the four breakpoints a request may carry.
    """

    model: str
    system: str
    rubric: str
    user: str
    tool_name: str
    input_schema: dict[str, Any]
    max_tokens: int = 1024
    tool_description: str = "Record the structured answer."

    def system_blocks(self) -> list[TextBlockParam]:
        """The instructions and the rubric; the cache breakpoint closes the last one."""
        parts = [text for text in (self.system, self.rubric) if text]
        blocks: list[TextBlockParam] = [{"type": "text", "text": text} for text in parts]
        if blocks:
            blocks[-1] = {**blocks[-1], "cache_control": {"type": "ephemeral"}}
        return blocks

    def tools(self) -> list[ToolParam]:
        return [{"name": self.tool_name, "description": self.tool_description,
                 "input_schema": self.input_schema}]

    def tool_choice(self) -> ToolChoiceToolParam:
        return {"type": "tool", "name": self.tool_name}

    def messages(self) -> list[MessageParam]:
        return [{"role": "user", "content": self.user}]

    def params(self) -> MessageCreateParamsNonStreaming:
        """The Messages API body, as the batch API wants it per request."""
        return {"model": self.model, "max_tokens": self.max_tokens,
                "system": self.system_blocks(), "tools": self.tools(),
                "tool_choice": self.tool_choice(), "messages": self.messages()}

    def count_params(self, *, prefix: bool = True) -> dict[str, Any]:
        """The ``count_tokens`` body: the whole prompt, or without its stable prefix."""
        body: dict[str, Any] = {"model": self.model, "messages": self.messages()}
        if prefix:
            body.update(system=self.system_blocks(), tools=self.tools(),
                        tool_choice=self.tool_choice())
        return body

    def input_chars(self) -> int:
        """Characters of prompt sent, for the pre-call budget estimate."""
        return self.prefix_chars() + len(self.user)

    def prefix_chars(self) -> int:
        """Characters of the cacheable prefix: tool schema, instructions and rubric."""
        return len(self.system) + len(self.rubric) + len(str(self.input_schema))

    def estimate(self, prices: PriceTable, *, batch: bool = False) -> float:
        """Upper-bound dollars of one call (see :func:`adapters.llm.pricing.estimate_cost`)."""
        return estimate_cost(self.model, input_chars=self.input_chars(),
                             cached_chars=self.prefix_chars(), max_tokens=self.max_tokens,
                             batch=batch, prices=prices)


@dataclass(frozen=True)
class StructuredResult(Generic[T]):
    """A validated answer with the tokens and dollars it took (all attempts)."""

    value: T
    usage: Usage
    cost: float
    model: str
    attempts: int = 1


class UnusableReply(Exception):
    """Internal: a reply without a valid tool input. ``reason`` names the kind only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_tool_input(message: Message, tool_name: str, validator: Validator[T]) -> T:
    """The validated input of the ``tool_name`` tool_use block, or :class:`UnusableReply`."""
    if message.stop_reason == "max_tokens":
        raise UnusableReply("truncated")
    block = next((b for b in message.content
                  if isinstance(b, ToolUseBlock) and b.name == tool_name), None)
    if block is None:
        raise UnusableReply("no_tool_use")
    try:
        return validator(dict(block.input))
    except _REJECTIONS as exc:
        # The exception text may quote the answer (pydantic does): keep only its type.
        raise UnusableReply(f"invalid_input:{type(exc).__name__}") from None


def usage_from_sdk(usage: SDKUsage) -> Usage:
    """The SDK's usage block as our :class:`Usage` (absent cache counts are 0)."""
    return Usage(input=usage.input_tokens, output=usage.output_tokens,
                 cache_write=usage.cache_creation_input_tokens or 0,
                 cache_read=usage.cache_read_input_tokens or 0)


def record_call(model: str, mode: Mode, outcome: str, usage: Usage | None = None,
                cost: float = 0.0) -> None:
    """Count one API call (or one batch entry) with its tokens and dollars."""
    LLM_REQUESTS.labels(model=model, mode=mode, outcome=outcome).inc()
    if usage is not None:
        for kind, tokens in usage.by_kind().items():
            if tokens:
                LLM_TOKENS.labels(model=model, kind=kind).inc(tokens)
    if cost > 0:
        LLM_COST.labels(model=model).inc(cost)
