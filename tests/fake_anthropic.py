"""A local fake of the Anthropic Messages and Message Batches APIs, for tests.

The real ``anthropic`` SDK talks to it over HTTP on 127.0.0.1 (ephemeral
port), so retries, timeouts, error mapping and JSONL decoding are exercised for
real. Tests script it with a queue of :class:`Reply` values::

    async with FakeAnthropic() as fake:
        fake.queue(Reply.rate_limited(), Reply.tool({"score": 3}))
        async with LLMClient(fake.settings()) as llm:
            result = await llm.structured(...)
        assert fake.message_bodies()[0]["system"][-1]["cache_control"] == {"type": "ephemeral"}

``POST /v1/messages`` pops the next reply (or answers with ``default_tool_input``
for the forced tool when the queue is empty). Batches: ``POST
/v1/messages/batches`` stores the requests; ``GET .../{id}`` reports
``in_progress`` for ``batch_polls`` polls, then ``ended`` with a
``results_url``; the results are JSONL built from :meth:`script_batch` replies
(``Reply.error``/``expired``/``canceled``) or the default tool answer.

``POST /v1/messages/count_tokens`` answers ``{"input_tokens": n}``. Token counts,
the per-model cache minimums and the ``usage`` shape are in
:mod:`tests.fake_anthropic_tokens`. Requests must carry :data:`API_KEY`
(``fake.settings()`` sets it), else they get a 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from aiohttp import web

from runtime.settings import Settings, load_settings
from tests.fake_anthropic_tokens import (
    PromptCache,
    count_tokens,
    min_cacheable_tokens,
    prompt_tokens,
)

__all__ = ["API_KEY", "FakeAnthropic", "RecordedRequest", "Reply", "count_tokens",
           "min_cacheable_tokens"]

API_KEY = "sk-ant-fake-test-key"
ReplyKind = Literal["tool", "text", "error", "hang", "expired", "canceled"]
Json = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """One canned behaviour of the fake; build it with the class methods."""

    kind: ReplyKind
    tool_input: Json | None = None
    tool_name: str | None = None
    content_text: str = ""
    status: int = 200
    error_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    stop_reason: str | None = None
    output_tokens: int = 25

    @classmethod
    def tool(cls, tool_input: Json, *, name: str | None = None,
             output_tokens: int = 25) -> Reply:
        """A tool_use block; ``name`` defaults to the tool the request forced."""
        return cls("tool", tool_input=tool_input, tool_name=name, output_tokens=output_tokens)

    @classmethod
    def truncated(cls, tool_input: Json) -> Reply:
        """A tool_use block cut off by ``max_tokens``."""
        return cls("tool", tool_input=tool_input, stop_reason="max_tokens")

    @classmethod
    def text(cls, text: str = '{"score": 4, "rationale": "missing brace"') -> Reply:
        """A plain text answer (no tool_use), malformed JSON by default."""
        return cls("text", content_text=text)

    @classmethod
    def error(cls, status: int, error_type: str, headers: dict[str, str] | None = None) -> Reply:
        """An HTTP error with the API's ``{"type": "error", "error": {...}}`` body."""
        return cls("error", status=status, error_type=error_type, headers=headers or {})

    @classmethod
    def rate_limited(cls, retry_after_ms: int = 1) -> Reply:
        """429 ``rate_limit_error``; the tiny ``retry-after-ms`` keeps SDK backoff short."""
        return cls.error(429, "rate_limit_error", {"retry-after-ms": str(retry_after_ms)})

    @classmethod
    def overloaded(cls, retry_after_ms: int = 1) -> Reply:
        """529 ``overloaded_error``."""
        return cls.error(529, "overloaded_error", {"retry-after-ms": str(retry_after_ms)})

    @classmethod
    def hang(cls, seconds: float = 30.0) -> Reply:
        """Answer only after ``seconds`` (or at shutdown): longer than the client timeout."""
        return cls("hang", seconds=seconds)

    @classmethod
    def expired(cls) -> Reply:
        """Batch only: the entry expired before processing."""
        return cls("expired")

    @classmethod
    def canceled(cls) -> Reply:
        """Batch only: the entry was canceled."""
        return cls("canceled")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received: method, path, lower-cased headers, decoded JSON body."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class FakeAnthropic:
    """The fake server; use as ``async with FakeAnthropic() as fake``."""

    def __init__(self, *, default_tool_input: Json | None = None, batch_polls: int = 1) -> None:
        self.default_tool_input: Json = default_tool_input or {}
        self.batch_polls = batch_polls
        self.requests: list[RecordedRequest] = []
        self._replies: list[Reply] = []
        self._batch_script: dict[str, Reply] = {}
        self._batches: dict[str, Json] = {}
        self._cache = PromptCache()
        self._ids = itertools.count(1)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # --- scripting and inspection --------------------------------------
    def queue(self, *replies: Reply) -> None:
        """Append behaviours for the next ``POST /v1/messages`` calls, in order."""
        self._replies.extend(replies)

    def script_batch(self, custom_id: str, reply: Reply) -> None:
        """Set what the batch entry ``custom_id`` ends as (default: the default tool answer)."""
        self._batch_script[custom_id] = reply

    @property
    def pending(self) -> int:
        """Queued replies not yet consumed."""
        return len(self._replies)

    def message_bodies(self) -> list[Json]:
        """JSON bodies of every ``POST /v1/messages`` received (retries included)."""
        return [r.body for r in self.requests if r.method == "POST" and r.path == "/v1/messages"]

    def sent_text(self) -> str:
        """Every request body as one JSON string, to assert something was never sent."""
        return json.dumps([r.body for r in self.requests])

    def settings(self, **overrides: Any) -> Settings:
        """Settings pointing an ``LLMClient`` here, with short timeouts for tests."""
        values: dict[str, Any] = {"anthropic_api_key": API_KEY, "anthropic_base_url": self.base_url,
                                  "llm_timeout_seconds": 2.0, "llm_max_retries": 2}
        return load_settings(**{**values, **overrides})

    # --- lifecycle -------------------------------------------------------
    async def start(self) -> FakeAnthropic:
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_post("/v1/messages/count_tokens", self._count_tokens)
        app.router.add_post("/v1/messages/batches", self._create_batch)
        app.router.add_get("/v1/messages/batches/{id}", self._retrieve_batch)
        app.router.add_get("/v1/messages/batches/{id}/results", self._batch_results)
        app.router.add_post("/v1/messages/batches/{id}/cancel", self._cancel_batch)
        app.middlewares.append(self._record)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeAnthropic:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- handlers ----------------------------------------------------------
    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()
        body = json.loads(raw) if raw else None
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.requests.append(RecordedRequest(request.method, request.path, headers, body))
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if API_KEY not in (request.headers.get("x-api-key"), bearer):
            return self._error(401, "authentication_error")
        response: web.StreamResponse = await handler(request)
        return response

    async def _messages(self, request: web.Request) -> web.Response:
        body: Json = await request.json()
        reply = self._replies.pop(0) if self._replies else Reply.tool(self.default_tool_input)
        if reply.kind == "error":
            return self._error(reply.status, reply.error_type, reply.headers)
        if reply.kind == "hang":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), reply.seconds)
        return web.json_response(self._message(body, reply), headers=self._ids_header())

    async def _count_tokens(self, request: web.Request) -> web.Response:
        """``POST /v1/messages/count_tokens``: the prompt's tokens, nothing generated."""
        body: Json = await request.json()
        if not body.get("model") or not body.get("messages"):
            return self._error(400, "invalid_request_error")
        return web.json_response({"input_tokens": prompt_tokens(body)},
                                 headers=self._ids_header())

    def _message(self, body: Json, reply: Reply, tier: str = "standard") -> Json:
        """A Messages API response for ``body`` shaped by ``reply``."""
        forced = (body.get("tool_choice") or {}).get("name", "answer")
        if reply.kind == "text":
            content: list[Json] = [{"type": "text", "text": reply.content_text}]
        else:
            content = [{"type": "tool_use", "id": f"toolu_fake{next(self._ids)}",
                        "name": reply.tool_name or forced,
                        "input": reply.tool_input or self.default_tool_input}]
        stop = reply.stop_reason or ("end_turn" if reply.kind == "text" else "tool_use")
        return {"id": f"msg_fake{next(self._ids)}", "type": "message", "role": "assistant",
                "model": body.get("model"), "content": content, "stop_reason": stop,
                "stop_sequence": None,
                "usage": self._cache.usage(body, reply.output_tokens, tier)}

    def _error(self, status: int, error_type: str,
               headers: dict[str, str] | None = None) -> web.Response:
        payload = {"type": "error", "error": {"type": error_type, "message": f"fake {error_type}"},
                   "request_id": f"req_fake{next(self._ids)}"}
        return web.json_response(payload, status=status,
                                 headers={**self._ids_header(), **(headers or {})})

    def _ids_header(self) -> dict[str, str]:
        return {"request-id": f"req_fake{next(self._ids)}"}

    async def _create_batch(self, request: web.Request) -> web.Response:
        body: Json = await request.json()
        batch_id = f"msgbatch_fake{next(self._ids)}"
        now = datetime.now(UTC)
        self._batches[batch_id] = {"requests": body["requests"], "polls": self.batch_polls,
                                   "canceled": False, "created_at": now, "results": None}
        return web.json_response(self._batch_json(batch_id, ended=False))

    async def _retrieve_batch(self, request: web.Request) -> web.Response:
        batch = self._batches.get(request.match_info["id"])
        if batch is None:
            return self._error(404, "not_found_error")
        ended = batch["polls"] <= 0 or batch["canceled"]
        batch["polls"] -= 1
        return web.json_response(self._batch_json(request.match_info["id"], ended=ended))

    async def _cancel_batch(self, request: web.Request) -> web.Response:
        batch_id = request.match_info["id"]
        if batch_id not in self._batches:
            return self._error(404, "not_found_error")
        self._batches[batch_id]["canceled"] = True
        return web.json_response({**self._batch_json(batch_id, ended=False),
                                  "processing_status": "canceling"})

    async def _batch_results(self, request: web.Request) -> web.Response:
        batch_id = request.match_info["id"]
        if batch_id not in self._batches:
            return self._error(404, "not_found_error")
        lines = [json.dumps(line) for line in self._results(batch_id)]
        return web.Response(body=("\n".join(lines) + "\n").encode(),
                            content_type="application/binary")

    def _results(self, batch_id: str) -> list[Json]:
        """Each entry's JSONL line, computed once when the batch ends."""
        batch = self._batches[batch_id]
        if batch["results"] is None:
            batch["results"] = [self._entry(r, batch["canceled"]) for r in batch["requests"]]
        results: list[Json] = batch["results"]
        return results

    def _entry(self, item: Json, canceled: bool) -> Json:
        reply = self._batch_script.get(item["custom_id"], Reply.tool(self.default_tool_input))
        if canceled:
            reply = Reply.canceled()
        if reply.kind == "error":
            error = {"type": "error", "error": {"type": reply.error_type, "message": "fake"}}
            result: Json = {"type": "errored", "error": error}
        elif reply.kind in ("expired", "canceled"):
            result = {"type": reply.kind}
        else:
            result = {"type": "succeeded",
                      "message": self._message(item["params"], reply, "batch")}
        return {"custom_id": item["custom_id"], "result": result}

    def _batch_json(self, batch_id: str, *, ended: bool) -> Json:
        batch = self._batches[batch_id]
        created: datetime = batch["created_at"]
        counts = {"processing": len(batch["requests"]), "succeeded": 0, "errored": 0,
                  "canceled": 0, "expired": 0}
        if ended:
            counts["processing"] = 0
            for line in self._results(batch_id):
                counts[line["result"]["type"]] += 1
        return {"id": batch_id, "type": "message_batch",
                "processing_status": "ended" if ended else "in_progress",
                "request_counts": counts, "created_at": created.isoformat(),
                "expires_at": (created + timedelta(hours=24)).isoformat(),
                "ended_at": datetime.now(UTC).isoformat() if ended else None,
                "archived_at": None, "cancel_initiated_at": None,
                "results_url": (f"{self.base_url}/v1/messages/batches/{batch_id}/results"
                                if ended else None)}
