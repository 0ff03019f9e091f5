"""What a report shows, gathered once: the stored evaluation, the theta path, a timeline.

The timeline describes what happened, never what the candidate wrote: prompts
appear as word counts, code as file names, tests as counts. Evidence snippets
in the evaluation were already scrubbed of identity terms when it was scored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.db.evaluations_repo import StoredEvaluation, ThetaPoint
from assess.recording import RecordedEvent
from runtime.errors import PermanentError

__all__ = [
    "FORMATS",
    "ReportData",
    "ReportFormatUnsupported",
    "TimelineEntry",
    "render_json",
    "timeline_entries",
]

FORMATS = ("json", "html", "pdf")


class ReportFormatUnsupported(PermanentError):
    """A report format this service does not produce, or cannot here (PDF without Pango)."""


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the session: seconds since the start, its type, a content-free label."""

    seconds: float
    type: str
    label: str
    event_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"seconds": round(self.seconds, 1), "type": self.type, "label": self.label,
                "eventId": self.event_id}


@dataclass(frozen=True)
class ReportData:
    """Everything a report renders."""

    evaluation: StoredEvaluation
    theta_path: Sequence[ThetaPoint] = ()
    timeline: Sequence[TimelineEntry] = ()
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def timeline_entries(recording: Sequence[RecordedEvent]) -> list[TimelineEntry]:
    """The recording as timeline entries, in recording order."""
    if not recording:
        return []
    start = recording[0].timestamp
    return [TimelineEntry(max(0.0, (e.timestamp - start).total_seconds()), e.type,
                          _label(e.type, e.data), e.event_id) for e in recording]


def _label(kind: str, data: Mapping[str, Any]) -> str:
    if kind == "ai-interaction":
        words = len(str(data.get("candidateMessage", "")).split())
        modified = _names(data.get("filesModified"))
        return f"AI interaction: {words}-word prompt" + (f", AI modified {modified}"
                                                         if modified else "")
    if kind == "code-changed":
        files = data.get("files")
        return f"code changed ({data.get('trigger', '?')}): {_names(files) or 'no files'}"
    if kind == "test-run":
        return f"tests: {data.get('passed')}/{data.get('total')} passed"
    if kind == "question-answered":
        correct = data.get("isCorrect")
        verdict = "unscored" if not isinstance(correct, bool) else (
            "correct" if correct else "incorrect")
        return f"answered {data.get('questionId')}: {verdict}"
    if kind == "session-started":
        return f"session started at difficulty {data.get('difficulty')}"
    if kind == "adjust-difficulty":
        return f"difficulty adjusted to {data.get('newDifficulty')}"
    if kind == "session-complete":
        return f"session complete after {data.get('duration')} s"
    return kind


def _names(value: object) -> str:
    names = list(value) if isinstance(value, Mapping | list) else []
    shown = ", ".join(str(n) for n in names[:4])
    return shown + (f" (+{len(names) - 4} more)" if len(names) > 4 else "")


def render_json(data: ReportData) -> bytes:
    """The JSON report: the stored evaluation plus the theta path and timeline."""
    ev = data.evaluation
    body = {
        "evaluationId": ev.evaluation_id, "sessionId": ev.session_id,
        "rubricVersion": ev.rubric_version, "mode": ev.mode, "model": ev.model,
        "generatedAt": data.generated_at.isoformat(),
        "evaluation": ev.result,
        "usage": ev.usage, "costDollars": ev.cost_dollars,
        "thetaPath": [{"seq": p.seq, "timestamp": p.timestamp.isoformat(),
                       "theta": p.theta, "se": p.se} for p in data.theta_path],
        "timeline": [entry.to_dict() for entry in data.timeline],
    }
    return json.dumps(body, indent=2).encode()
