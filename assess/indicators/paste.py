"""Detect AI-written code pasted into the candidate's files, cheaply and in bounded memory.

For each AI response we keep only 32-bit hashes of the non-trivial lines of its fenced
code blocks (at most ``max_lines`` per response, for the last few responses). A code
change *contains* a response when some ``min_lines`` consecutive non-trivial lines of a
file hash equal to ``min_lines`` consecutive non-trivial lines of one of that response's
blocks (default 3: a sizeable verbatim chunk, not a shared ``return x`` line).

A line is non-trivial when, with whitespace collapsed, it has at least
``MIN_LINE_CHARS`` characters and at least one letter or digit (so ``}``, ``)``, ``end``
and blank lines are skipped on both sides, which makes re-indentation harmless).

Hashes are CRC-32 (``zlib.crc32``, C speed), not Python's ``hash``, which is salted per
process and would break deterministic replay. CRC-32 is not collision resistant, but a
false paste needs ``min_lines`` consecutive collisions in the same order, and nothing
adversarial is at stake. Cost: one hash per file line, only while a response is
remembered.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "BLOCK_BREAK",
    "MIN_LINE_CHARS",
    "code_line_hashes",
    "line_hash",
    "matching_responses",
    "pack_hashes",
    "unpack_hashes",
]

MIN_LINE_CHARS = 8
BLOCK_BREAK = 0  # separates code blocks inside one response's hash sequence
_FENCE = re.compile(r"```[^\n`]*\n(.*?)```", re.DOTALL)
_ALNUM = re.compile(r"[A-Za-z0-9]")


def line_hash(line: str) -> int:
    """Stable non-zero 32-bit hash of a normalised line (0 is :data:`BLOCK_BREAK`)."""
    return zlib.crc32(line.encode("utf-8", "surrogatepass")) or 1


def _hashes(lines: Iterable[str]) -> list[int]:
    """Hashes of the non-trivial lines, in order (whitespace collapsed first).

    Inlined rather than calling a helper per line: this loop runs over every line of
    every changed file while an AI response is remembered.
    """
    out = []
    for line in lines:
        collapsed = " ".join(line.split())
        if len(collapsed) >= MIN_LINE_CHARS and _ALNUM.search(collapsed):
            out.append(zlib.crc32(collapsed.encode("utf-8", "surrogatepass")) or 1)
    return out


def code_line_hashes(ai_response: str, max_lines: int) -> tuple[int, ...]:
    """Hashes of the non-trivial lines in the fenced code blocks of ``ai_response``,
    blocks separated by :data:`BLOCK_BREAK`, truncated to ``max_lines`` hashes."""
    out: list[int] = []
    for block in _FENCE.findall(ai_response):
        hashes = _hashes(block.splitlines())
        if hashes:
            if out:
                out.append(BLOCK_BREAK)
            out.extend(hashes)
    return tuple(out[:max_lines])


def pack_hashes(hashes: Sequence[int]) -> str:
    """Hashes as one hex string (8 hex digits each): compact in the JSON state header
    and decoded at C speed, instead of a JSON list of hundreds of integers."""
    return struct.pack(f">{len(hashes)}I", *hashes).hex()


def unpack_hashes(packed: str) -> tuple[int, ...]:
    """Inverse of :func:`pack_hashes`."""
    raw = bytes.fromhex(packed)
    return struct.unpack(f">{len(raw) // 4}I", raw)


def _chunks(hashes: Sequence[int], size: int) -> set[tuple[int, ...]]:
    """All windows of ``size`` consecutive hashes that do not cross a block break."""
    return {
        tuple(hashes[i : i + size])
        for i in range(len(hashes) - size + 1)
        if BLOCK_BREAK not in hashes[i : i + size]
    }


def matching_responses(
    files: Mapping[str, str], memory: Sequence[Sequence[int]], min_lines: int
) -> tuple[int, ...]:
    """Indices into ``memory`` of the responses whose code appears verbatim (a chunk of
    ``min_lines`` consecutive non-trivial lines) in any of ``files`` (name -> content)."""
    wanted = [_chunks(hashes, min_lines) for hashes in memory]
    if not any(wanted):
        return ()
    found: set[int] = set()
    for content in files.values():
        file_chunks = _chunks(_hashes(content.splitlines()), min_lines)
        found.update(i for i, chunks in enumerate(wanted) if chunks & file_chunks)
        if len(found) == len(wanted):
            break
    return tuple(sorted(found))
