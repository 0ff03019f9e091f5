"""Running counters of how a candidate uses the AI assistant, updated per event.

:class:`AiUsage` is an immutable value: every ``record_*`` function returns a new one.
It holds only counters and a bounded memory of recent AI code (see
:mod:`assess.indicators.paste`), so its size does not grow with the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assess.indicators.paste import (
    code_line_hashes,
    matching_responses,
    pack_hashes,
    unpack_hashes,
)
from assess.indicators.prompts import is_help_seeking, is_short_prompt, prompt_quality
from assess.indicators.records import updated

__all__ = ["AiUsage", "record_chat", "record_code_change"]


@dataclass(frozen=True, slots=True)
class AiUsage:
    """AI-usage counters of one session.

    ``quality_sum`` is the sum of per-prompt quality (1-5); ``tool_chats`` counts chats
    in which the assistant used at least one tool; ``pasted_code_changes`` counts manual
    code changes that contained code from a remembered AI response; ``code_memory``
    holds the line hashes of the most recent AI responses' code blocks, oldest first,
    one :func:`~assess.indicators.paste.pack_hashes` string per response.
    """

    interactions: int = 0
    quality_sum: float = 0.0
    short_prompts: int = 0
    help_requests: int = 0
    tool_chats: int = 0
    code_changes: int = 0
    ai_code_changes: int = 0
    manual_code_changes: int = 0
    pasted_code_changes: int = 0
    code_memory: tuple[str, ...] = ()

    @property
    def avg_prompt_quality(self) -> float | None:
        """Mean prompt quality (1-5), or None before the first chat."""
        if not self.interactions:
            return None
        return round(self.quality_sum / self.interactions, 2)

    @property
    def ai_code_share(self) -> float:
        """Share (0-1) of code-changed events whose trigger was ``"ai"``."""
        return self.ai_code_changes / self.code_changes if self.code_changes else 0.0


def record_chat(
    usage: AiUsage,
    message: str,
    response: str,
    tools_used: Sequence[str],
    *,
    short_prompt_words: int,
    memory_size: int,
    max_lines: int,
    quality: float | None = None,
    unprogressed: bool = False,
) -> AiUsage:
    """Count one AI chat, score its prompt and remember the response's code lines.

    ``quality`` (1-5) replaces the formula's score when an LLM classifier gave one.
    ``unprogressed``: the previous chat was followed by no progress (see
    :func:`assess.indicators.prompts.is_help_seeking`).
    """
    memory = usage.code_memory
    hashes = code_line_hashes(response, max_lines) if memory_size > 0 else ()
    if hashes:
        memory = (*memory, pack_hashes(hashes))[-memory_size:]
    return updated(
        usage,
        interactions=usage.interactions + 1,
        quality_sum=round(usage.quality_sum + (prompt_quality(message) if quality is None
                                                 else quality), 2),
        short_prompts=usage.short_prompts + is_short_prompt(message, short_prompt_words),
        help_requests=usage.help_requests + is_help_seeking(
            message, short_prompt_words, unprogressed=unprogressed),
        tool_chats=usage.tool_chats + bool(tools_used),
        code_memory=memory,
    )


def record_code_change(
    usage: AiUsage, files: Mapping[str, str], trigger: str, *, min_lines: int
) -> tuple[AiUsage, bool]:
    """Count one code change; return the new usage and whether AI code was pasted.

    A remembered response found in the code is forgotten afterwards, whatever the
    trigger, so code that stays in a file is counted once, not on every later save.
    Only a ``"manual"`` change counts as a paste: with trigger ``"ai"`` the assistant
    wrote the code itself, which ``ai_code_changes`` already counts.
    """
    found: tuple[int, ...] = ()
    if usage.code_memory:
        memory_hashes = [unpack_hashes(packed) for packed in usage.code_memory]
        found = matching_responses(files, memory_hashes, min_lines)
    pasted = trigger == "manual" and bool(found)
    memory = tuple(h for i, h in enumerate(usage.code_memory) if i not in found)
    return (
        updated(
            usage,
            code_changes=usage.code_changes + 1,
            ai_code_changes=usage.ai_code_changes + (trigger == "ai"),
            manual_code_changes=usage.manual_code_changes + (trigger == "manual"),
            pasted_code_changes=usage.pasted_code_changes + pasted,
            code_memory=memory,
        ),
        pasted,
    )
