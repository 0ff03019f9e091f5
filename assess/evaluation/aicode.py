"""Which code the AI wrote, recognised by content whatever the ``trigger`` field says.

A line that a change adds is the AI's when the platform marks the change as the
AI's (trigger "ai"), or when the line appeared earlier in an AI reply: the same
line once whitespace is collapsed, or, for lines of at least SHINGLE tokens, half or
more of its token runs shared with earlier replies (so re-spacing or re-wrapping a
pasted answer does not hide it). Only lines a change *adds* are attributed, and only
to replies that came before it, so a reply quoting the candidate's own code does not
make that code the AI's. The share is over the final code's meaningful lines
(:func:`assess.evaluation.edits.meaningful`); a known limit is code retyped with
renamed identifiers, which shares no token runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from assess.evaluation.edits import Edit, edits, meaningful, normalise
from assess.evaluation.lexing import SHINGLE, code_tokens, shingles
from assess.evaluation.session import SessionView, per_view
from assess.recording import RecordedEvent

__all__ = ["AiChange", "Authorship", "authorship"]

AI_CHANGE_SHARE = 0.5  # a change is the AI's when at least half its new lines are
_GRAM_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class AiChange:
    """One change's new meaningful lines, how many are the AI's, and the reply most came from.

    ``by_content`` counts AI lines the platform did not mark (trigger other than "ai").
    """

    edit: Edit
    lines: int
    ai_lines: int
    by_content: int
    source: RecordedEvent | None

    @property
    def share(self) -> float:
        """AI lines / new lines (0-1)."""
        return self.ai_lines / self.lines if self.lines else 0.0


@dataclass(frozen=True, slots=True)
class Authorship:
    """Per-change attribution and the AI's share of the final code."""

    changes: tuple[AiChange, ...]
    final_lines: int
    final_ai_lines: int

    @property
    def share(self) -> float | None:
        """AI-written share of the final code's meaningful lines (0-1); None without code."""
        return self.final_ai_lines / self.final_lines if self.final_lines else None

    def ai_changes(self) -> tuple[AiChange, ...]:
        """Changes that are mostly the AI's."""
        return tuple(c for c in self.changes if c.lines and c.share >= AI_CHANGE_SHARE)


class _Replies:
    """Lines and token runs of the AI replies seen so far, each with the reply it came from."""

    def __init__(self) -> None:
        self.lines: dict[str, RecordedEvent] = {}
        self.grams: dict[tuple[str, ...], RecordedEvent] = {}

    def add(self, event: RecordedEvent, reply: str) -> None:
        for raw in reply.splitlines():
            line = normalise(raw)
            if meaningful(line) and not line.startswith("```"):
                self.lines.setdefault(line, event)
                for gram in shingles(code_tokens(line)):
                    self.grams.setdefault(gram, event)

    def source(self, line: str) -> RecordedEvent | None:
        """The reply this line came from, if any."""
        if line in self.lines:
            return self.lines[line]
        tokens = code_tokens(line)
        if len(tokens) < SHINGLE:
            return None
        grams = shingles(tokens)
        found = [self.grams[g] for g in grams if g in self.grams]
        if len(found) < _GRAM_SHARE * len(grams):
            return None
        by_id = {event.event_id: event for event in found}
        return by_id[Counter(e.event_id for e in found).most_common(1)[0][0]]


@per_view
def authorship(view: SessionView) -> Authorship:
    """Attribute every change's new lines and the final code (see the module docstring)."""
    by_event = {edit.change.event.event_id: edit for edit in edits(view)}
    replies = _Replies()
    origin: dict[tuple[str, str], bool] = {}
    changes: list[AiChange] = []
    for event in view.events:
        if event.type == "ai-interaction":
            reply = event.data.get("aiResponse")
            replies.add(event, reply if isinstance(reply, str) else "")
        elif event.event_id in by_event:
            changes.append(_attribute(by_event[event.event_id], replies, origin))
    final_ai = final = 0
    for code in view.files:
        for line in dict.fromkeys(normalise(raw) for raw in code.content.splitlines()):
            if meaningful(line):
                final += 1
                known = origin.get((code.path, line))
                final_ai += known if known is not None else replies.source(line) is not None
    return Authorship(tuple(changes), final, final_ai)


def _attribute(edit: Edit, replies: _Replies, origin: dict[tuple[str, str], bool]) -> AiChange:
    marked = edit.change.trigger == "ai"
    lines = ai = by_content = 0
    sources: Counter[str] = Counter()
    events: dict[str, RecordedEvent] = {}
    for path, line in edit.added:
        if not meaningful(line):
            continue
        lines += 1
        source = replies.source(line)
        if source is not None:
            sources[source.event_id] += 1
            events[source.event_id] = source
        is_ai = marked or source is not None
        ai += is_ai
        by_content += is_ai and not marked
        origin[(path, line)] = is_ai
    top = events[sources.most_common(1)[0][0]] if sources else None
    return AiChange(edit, lines, ai, by_content, top)
