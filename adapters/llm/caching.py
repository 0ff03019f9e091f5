"""Whether a request's stable prefix is long enough for the API to cache it.

The Messages API caches the prompt up to a ``cache_control`` breakpoint only when
that prefix reaches a per-model minimum; a shorter one is processed at full price
without any error, so a prefix that shrinks below it (a trimmed rubric, a switch
to a model with a higher minimum) silently ends the saving. The figures are the
prompt-caching documentation's, by model id prefix; a dated id
(``claude-sonnet-4-5-20250929``) takes its alias's figure.

The check counts tokens with the API's own ``count_tokens`` (free, nothing is
generated), because the tokenizer is not public: see :meth:`LLMClient.prefix_tokens`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_MIN_CACHEABLE_TOKENS", "MIN_CACHEABLE_TOKENS", "PrefixCheck",
           "min_cacheable_tokens"]

#: Minimum cacheable prefix in tokens, by model id prefix (more specific first).
MIN_CACHEABLE_TOKENS: tuple[tuple[str, int], ...] = (
    ("claude-opus-4-6", 4096),
    ("claude-opus-4-5", 4096),
    ("claude-haiku-4-5", 4096),
    ("claude-sonnet-4-6", 2048),
    ("claude-3-5-haiku", 2048),
    ("claude-3-haiku", 2048),
)
#: Sonnet 4.5, Sonnet 4, Opus 4.1, Opus 4 and Sonnet 3.7.
DEFAULT_MIN_CACHEABLE_TOKENS = 1024


def min_cacheable_tokens(model: str) -> int:
    """The shortest prefix (tokens) the API will cache for ``model``."""
    return next((tokens for name, tokens in MIN_CACHEABLE_TOKENS if model.startswith(name)),
                DEFAULT_MIN_CACHEABLE_TOKENS)


@dataclass(frozen=True)
class PrefixCheck:
    """A request's cacheable prefix against its model's minimum (both in tokens)."""

    model: str
    tokens: int
    minimum: int

    @property
    def cacheable(self) -> bool:
        """True when the API will cache the prefix."""
        return self.tokens >= self.minimum

    @property
    def margin(self) -> float:
        """Prefix tokens over the minimum (1.0 = exactly at it)."""
        return self.tokens / self.minimum
