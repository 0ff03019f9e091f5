"""Request building, reply parsing, SDK error translation and the error tree."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx2
import pytest
from anthropic.types import Message

from adapters.llm import (
    DEFAULT_PRICES,
    BudgetExceeded,
    LLMClient,
    LLMError,
    LLMNotConfigured,
    LLMRejected,
    LLMUnavailable,
    MalformedLLMOutput,
    StructuredRequest,
    translate_error,
)
from adapters.llm.request import UnusableReply, parse_tool_input, usage_from_sdk
from runtime.errors import PermanentError, TransientError
from runtime.settings import load_settings

REQUEST = StructuredRequest(model="claude-haiku-4-5", system="You grade answers.",
                            rubric="5 = complete", user="The answer.", tool_name="grade",
                            input_schema={"type": "object"}, max_tokens=300)


def _message(content: list[dict[str, Any]], stop_reason: str = "tool_use") -> Message:
    return Message.model_validate({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": content, "stop_reason": stop_reason,
        "usage": {"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": None,
                  "cache_read_input_tokens": 7}})


def _tool(name: str = "grade", **tool_input: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": "toolu_1", "name": name, "input": tool_input}


def _score(data: dict[str, Any]) -> int:
    score = data["score"]
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValueError(f"bad score {score!r}")
    return score


def test_params_force_the_tool_and_cache_system_and_rubric() -> None:
    params = REQUEST.params()
    assert params["tool_choice"] == {"type": "tool", "name": "grade"}
    assert params["tools"] == [{"name": "grade", "description": REQUEST.tool_description,
                                "input_schema": {"type": "object"}}]
    assert params["system"] == [
        {"type": "text", "text": "You grade answers."},
        {"type": "text", "text": "5 = complete", "cache_control": {"type": "ephemeral"}}]
    assert params["messages"] == [{"role": "user", "content": "The answer."}]
    assert (params["model"], params["max_tokens"]) == ("claude-haiku-4-5", 300)
    assert set(params) == {"model", "max_tokens", "system", "tools", "tool_choice", "messages"}


def test_an_empty_rubric_sends_one_system_block() -> None:
    request = StructuredRequest("m", "sys", "", "u", "t", {"type": "object"})
    assert request.system_blocks() == [
        {"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}]


def test_the_estimate_prices_only_the_prefix_as_a_cache_write() -> None:
    """Text after the last breakpoint is never written to the cache: plain input price."""
    request = StructuredRequest("claude-sonnet-4-5", "s" * 3500, "r" * 3500, "u" * 7000, "t",
                                {}, max_tokens=0)
    written = (len(str({})) + 7000) / 3.5 * 3.75e-6
    assert request.estimate(DEFAULT_PRICES) == pytest.approx(written + 7000 / 3.5 * 3e-6,
                                                             rel=1e-3)


def test_parse_returns_the_validated_tool_input() -> None:
    message = _message([{"type": "text", "text": "thinking aloud"}, _tool(score=4)])
    assert parse_tool_input(message, "grade", _score) == 4


@pytest.mark.parametrize(("message", "reason"), [
    (_message([{"type": "text", "text": '{"score": 4'}], "end_turn"), "no_tool_use"),
    (_message([_tool("other", score=4)]), "no_tool_use"),
    (_message([_tool(score=4)], "max_tokens"), "truncated"),
    (_message([_tool(score=9)]), "invalid_input:ValueError"),
    (_message([_tool(grade=4)]), "invalid_input:KeyError"),
])
def test_unusable_replies_name_their_kind_not_their_content(message: Message, reason: str) -> None:
    with pytest.raises(UnusableReply) as info:
        parse_tool_input(message, "grade", _score)
    assert info.value.reason == reason
    assert info.value.__cause__ is None and "9" not in str(info.value)


def test_usage_treats_missing_cache_counts_as_zero() -> None:
    usage = usage_from_sdk(_message([_tool(score=1)]).usage)
    assert (usage.input, usage.output, usage.cache_write, usage.cache_read) == (10, 5, 0, 7)


_ERRORS: dict[int, type[anthropic.APIStatusError]] = {
    429: anthropic.RateLimitError, 529: anthropic.OverloadedError,
    500: anthropic.InternalServerError, 400: anthropic.BadRequestError,
    401: anthropic.AuthenticationError}


def _status_error(status: int, error_type: str) -> anthropic.APIStatusError:
    request = httpx2.Request("POST", "http://fake/v1/messages")
    body = {"type": "error", "error": {"type": error_type, "message": "secret prompt echo"}}
    response = httpx2.Response(status, request=request, json=body,
                               headers={"request-id": "req_9"})
    return _ERRORS[status]("Error code", response=response, body=body)


@pytest.mark.parametrize(("status", "error_type", "outcome", "kind"), [
    (429, "rate_limit_error", "unavailable", LLMUnavailable),
    (529, "overloaded_error", "unavailable", LLMUnavailable),
    (500, "api_error", "unavailable", LLMUnavailable),
    (400, "invalid_request_error", "rejected", LLMRejected),
    (401, "authentication_error", "rejected", LLMRejected),
])
def test_status_errors_translate_by_retryability(status: int, error_type: str, outcome: str,
                                                 kind: type[LLMError]) -> None:
    got_outcome, error = translate_error(_status_error(status, error_type))
    assert got_outcome == outcome and type(error) is kind
    assert str(status) in str(error) and "req_9" in str(error)
    assert "secret prompt echo" not in str(error)


def test_connection_errors_are_unavailable() -> None:
    request = httpx2.Request("POST", "http://fake/v1/messages")
    outcome, error = translate_error(anthropic.APITimeoutError(request))
    assert outcome == "timeout" and isinstance(error, LLMUnavailable)
    outcome, error = translate_error(anthropic.APIConnectionError(request=request))
    assert outcome == "unavailable" and isinstance(error, LLMUnavailable)


def test_error_tree_maps_onto_transient_and_permanent() -> None:
    assert issubclass(LLMUnavailable, TransientError)
    for permanent in (LLMRejected, MalformedLLMOutput, BudgetExceeded, LLMNotConfigured):
        assert issubclass(permanent, PermanentError) and issubclass(permanent, LLMError)


def test_a_client_needs_an_api_key() -> None:
    with pytest.raises(LLMNotConfigured):
        LLMClient(load_settings(anthropic_api_key=None))
    with pytest.raises(LLMNotConfigured):
        LLMClient(load_settings(anthropic_api_key=""))
