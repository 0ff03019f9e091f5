"""Building evidence items that always point at a real event of the recording.

Each helper copies ``event_id``, ``type`` and ``timestamp`` from the event it is
given, so an evidence item cannot name an event that does not exist. Snippets are
cut to :data:`MAX_SNIPPET_LINES` lines (and a character cap) so reports stay readable.
"""

from __future__ import annotations

from collections.abc import Iterable

from assess.evaluation.result import Evidence, EvidenceKind
from assess.privacy import Scrubber
from assess.recording import RecordedEvent

__all__ = [
    "MAX_SNIPPET_CHARS",
    "MAX_SNIPPET_LINES",
    "code_block",
    "code_excerpt",
    "kind_for",
    "make_evidence",
    "redact_evidence",
    "truncate_snippet",
]

MAX_SNIPPET_LINES = 15
MAX_SNIPPET_CHARS = 1500
_KINDS: dict[str, EvidenceKind] = {
    "code-changed": "code_snippet",
    "session-complete": "code_snippet",
    "test-run": "test_result",
    "ai-interaction": "ai_interaction",
}


def truncate_snippet(text: str, max_lines: int = MAX_SNIPPET_LINES) -> str:
    """At most ``max_lines`` lines and MAX_SNIPPET_CHARS characters; marks a cut with '…'."""
    lines = text.splitlines()
    cut = len(lines) > max_lines
    if cut:
        lines = [*lines[: max_lines - 1], "…"]
    out = "\n".join(lines)
    if len(out) > MAX_SNIPPET_CHARS:
        out = out[: MAX_SNIPPET_CHARS - 1] + "…"
    return out


def code_excerpt(content: str, line: int, context: int = 2) -> str:
    """Lines ``line - context`` .. ``line + context`` (1-based) of ``content``."""
    lines = content.splitlines()
    low = max(0, line - 1 - context)
    return truncate_snippet("\n".join(lines[low: line + context]))


def code_block(content: str, line: int, length: int) -> str:
    """``length`` lines of ``content`` starting at 1-based ``line`` (cut to the snippet cap)."""
    lines = content.splitlines()
    return truncate_snippet("\n".join(lines[max(0, line - 1): line - 1 + max(1, length)]))


def kind_for(event: RecordedEvent) -> EvidenceKind:
    """The natural evidence kind for an event type (metric for anything else)."""
    return _KINDS.get(event.type, "metric")


def make_evidence(
    event: RecordedEvent,
    kind: EvidenceKind,
    description: str,
    *,
    snippet: str | None = None,
    file_path: str | None = None,
    line: int | None = None,
    value: float | None = None,
) -> Evidence:
    """An evidence item anchored to ``event`` (id, type and timestamp copied from it)."""
    return Evidence(
        kind=kind, description=description, timestamp=event.timestamp,
        event_id=event.event_id, event_type=event.type,
        snippet=None if snippet is None else truncate_snippet(snippet),
        file_path=file_path, line=line, value=value)


def redact_evidence(items: Iterable[Evidence], scrubber: Scrubber) -> tuple[Evidence, ...]:
    """The same items with personal data scrubbed from descriptions and snippets.

    A code snippet with a file path is scrubbed as code (only its comments and strings
    can change); every other text as plain text. Nothing but the personal data changes.
    """
    out = []
    for item in items:
        snippet = item.snippet
        if snippet is not None:
            cleaned = (scrubber.code(snippet, item.file_path)
                       if item.kind == "code_snippet" and item.file_path
                       else scrubber.text(snippet))
            snippet = truncate_snippet(cleaned) if cleaned != snippet else snippet
        out.append(Evidence(
            kind=item.kind, description=scrubber.text(item.description),
            timestamp=item.timestamp, event_id=item.event_id, event_type=item.event_type,
            snippet=snippet, file_path=item.file_path, line=item.line, value=item.value))
    return tuple(out)
