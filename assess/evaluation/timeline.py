"""Compact text renderings of a session for the LLM reviewer: final code and a timeline.

One line per event, ``[event_id] +SECONDS type details``, so the reviewer can cite
event ids. Long texts are cut, and very long sessions keep their first and last
events with a note of how many were left out, keeping the prompt within budget.
Identity fields are never rendered. Callers scrub the result before sending it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assess.evaluation.session import CodeFile, SessionView
from assess.recording import RecordedEvent

__all__ = ["MAX_TIMELINE_EVENTS", "render_code", "render_timeline"]

MAX_TIMELINE_EVENTS = 300
MAX_FILE_CHARS = 20_000
MAX_CODE_CHARS = 60_000
_PROMPT_CHARS = 400
_RESPONSE_CHARS = 160


def render_code(files: Sequence[CodeFile]) -> str:
    """Each file with a header line, numbered lines, cut at the per-file and total caps."""
    parts: list[str] = []
    budget = MAX_CODE_CHARS
    for code in files:
        text = code.content[: min(MAX_FILE_CHARS, max(budget, 0))]
        numbered = "\n".join(f"{i:4d} | {line}" for i, line in enumerate(text.splitlines(), 1))
        cut = " (truncated)" if len(text) < len(code.content) else ""
        parts.append(f"--- {code.path}{cut} ---\n{numbered}")
        budget -= len(text)
    return "\n\n".join(parts) if parts else "(no code)"


def render_timeline(view: SessionView) -> str:
    """One line per event; the middle of very long sessions is elided."""
    events = list(view.events)
    if len(events) > MAX_TIMELINE_EVENTS:
        half = MAX_TIMELINE_EVENTS // 2
        omitted = len(events) - 2 * half
        lines = [_line(view, e) for e in events[:half]]
        lines.append(f"... {omitted} events omitted ...")
        lines.extend(_line(view, e) for e in events[-half:])
        return "\n".join(lines)
    return "\n".join(_line(view, e) for e in events)


def _cut(text: object, limit: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _ai(e: RecordedEvent) -> str:
    files = e.data.get("filesModified") or []
    return (f'prompt="{_cut(e.data.get("candidateMessage", ""), _PROMPT_CHARS)}" '
            f'reply="{_cut(e.data.get("aiResponse", ""), _RESPONSE_CHARS)}" '
            f"files_modified={list(files) if isinstance(files, list) else []}")


def _code(e: RecordedEvent) -> str:
    files = e.data.get("files")
    sizes = ({k: len(str(v).splitlines()) for k, v in files.items()}
             if isinstance(files, dict) else {})
    listed = ", ".join(f"{name} ({n} lines)" for name, n in sizes.items())
    return f"trigger={e.data.get('trigger', '?')} files: {listed}"


def _tests(e: RecordedEvent) -> str:
    d = e.data
    coverage = f" coverage={d['coverage']}" if d.get("coverage") is not None else ""
    return (f"passed={d.get('passed')}/{d.get('total')} failed={d.get('failed')}{coverage} "
            f'output="{_cut(d.get("output", ""), _RESPONSE_CHARS)}"')


_DETAILS: dict[str, Callable[[RecordedEvent], str]] = {
    "ai-interaction": _ai,
    "code-changed": _code,
    "test-run": _tests,
    "session-started": lambda e: f"difficulty={e.data.get('difficulty')}",
    "session-complete": lambda e: f"duration={e.data.get('duration')}s",
    "question-answered": lambda e: (f"question={e.data.get('questionId')} "
                                    f"correct={e.data.get('isCorrect')} "
                                    f"time={e.data.get('timeSpent')}s"),
    "adjust-difficulty": lambda e: f"new_difficulty={e.data.get('newDifficulty')}",
}


def _line(view: SessionView, event: RecordedEvent) -> str:
    render = _DETAILS.get(event.type)
    detail = render(event) if render is not None else ""
    return f"[{event.event_id}] +{view.seconds(event):.0f}s {event.type} {detail}".rstrip()
