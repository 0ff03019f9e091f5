"""Token counts and prompt caching as the fake Anthropic API reports them.

Tokens: ``ceil(chars / 4)`` of each part (a tool definition as its JSON). The
real tokenizer is not public; for English and code it yields a little more than
one token per four characters, so this count errs low, which keeps a test that
asserts a prefix is long enough on the safe side. The API's hidden tool-use
system prompt (a few hundred tokens) is not counted, for the same reason.
``POST /v1/messages/count_tokens`` answers ``{"input_tokens": n}`` with the same
count as the ``usage`` of a message with the same body.

Prompt caching follows the documented rules: the prefix is rendered tools, then
system, then messages, and cached up to each ``cache_control`` breakpoint whose
prefix reaches the model's minimum (:func:`min_cacheable_tokens`: 1,024 tokens
for Sonnet 4.5, 4,096 for Haiku 4.5, ...); a shorter one is processed uncached,
without an error. The first request with a prefix reports it as
``cache_creation_input_tokens`` (split by TTL in ``cache_creation``), later ones
with the same model and prefix as ``cache_read_input_tokens``; ``input_tokens``
counts only what follows the last cached breakpoint, so read + creation + input
is the whole prompt.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

__all__ = ["PromptCache", "count_tokens", "min_cacheable_tokens", "prompt_tokens"]

Json = dict[str, Any]


#: Minimum cacheable prefix (tokens) by model id prefix, from the prompt-caching
#: documentation; models not listed (Sonnet 4.5, Sonnet 4, Opus 4.1, ...) take 1,024.
_MIN_CACHEABLE: tuple[tuple[str, int], ...] = (
    ("claude-opus-4-6", 4096), ("claude-opus-4-5", 4096), ("claude-haiku-4-5", 4096),
    ("claude-sonnet-4-6", 2048), ("claude-3-5-haiku", 2048), ("claude-3-haiku", 2048))
_DEFAULT_MIN_CACHEABLE = 1024


def min_cacheable_tokens(model: str) -> int:
    """The shortest prefix (tokens) the API caches for ``model``."""
    return next((n for name, n in _MIN_CACHEABLE if model.startswith(name)),
                _DEFAULT_MIN_CACHEABLE)


def count_tokens(value: Any) -> int:
    """Tokens of a text, or of a JSON value (a tool definition, a block) as its JSON."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return math.ceil(len(text) / 4)


def _part_tokens(part: Json) -> int:
    """A block's tokens: its text for text blocks, else the block's JSON (tools, images)."""
    if part.get("type") == "text" and isinstance(part.get("text"), str):
        return count_tokens(part["text"])
    return count_tokens({k: v for k, v in part.items() if k not in ("cache_control", "role")})


def _segments(body: Json) -> list[Json]:
    """The cacheable parts in the API's prefix order: tools, system, message blocks."""
    parts: list[Json] = list(body.get("tools") or [])
    system = body.get("system") or []
    parts += [{"type": "text", "text": system}] if isinstance(system, str) else list(system)
    for message in body.get("messages") or []:
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        parts += [{"role": message.get("role"), **block} for block in blocks]
    return parts


def prompt_tokens(body: Json) -> int:
    """Every input token of a Messages body, as ``count_tokens`` reports it."""
    return sum(_part_tokens(part) for part in _segments(body))


class PromptCache:
    """Remembers prefixes up to each long-enough ``cache_control`` breakpoint, per model."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def usage(self, body: Json, output_tokens: int, tier: str = "standard") -> Json:
        parts = _segments(body)
        sizes = [_part_tokens(part) for part in parts]
        model = str(body.get("model"))
        minimum = min_cacheable_tokens(model)
        cuts = [i + 1 for i, part in enumerate(parts)
                if part.get("cache_control") and sum(sizes[: i + 1]) >= minimum]
        keys = {cut: self._key(model, parts[:cut]) for cut in cuts}
        hit = max((cut for cut in cuts if keys[cut] in self._seen), default=0)
        last = cuts[-1] if cuts else 0
        self._seen.update(keys.values())
        by_ttl = {"5m": 0, "1h": 0}
        start = hit
        for cut in (c for c in cuts if c > hit):
            by_ttl[parts[cut - 1]["cache_control"].get("ttl", "5m")] += sum(sizes[start:cut])
            start = cut
        return {"input_tokens": sum(sizes[last:]), "output_tokens": output_tokens,
                "cache_creation_input_tokens": sum(sizes[hit:last]),
                "cache_read_input_tokens": sum(sizes[:hit]),
                "cache_creation": {"ephemeral_5m_input_tokens": by_ttl["5m"],
                                   "ephemeral_1h_input_tokens": by_ttl["1h"]},
                "server_tool_use": None, "service_tier": tier}

    @staticmethod
    def _key(model: Any, prefix: list[Json]) -> str:
        return hashlib.sha256(json.dumps([model, prefix], sort_keys=True).encode()).hexdigest()
