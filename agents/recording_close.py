"""Close a recording that has no ``session-complete``: the platform's submit ``analyze``.

The platform's submit route publishes only ``analyze`` (no session-complete), and
the old evaluation worker scored on it. The scoring domain reads a session's end
from its session-complete event (duration, final code, the fallback evidence
event), so a recording scored on ``analyze`` alone is closed here with a
session-complete *at its last recorded event*:

* its id is ``<sessionId>:submitted`` and its time the last event's, so the same
  recording always closes the same way (same digest: a redelivered or repeated
  analyze reuses the stored result instead of scoring again);
* it carries no ``finalCode``: the final code is the last code-changed content;
* ``questionId`` comes from session-started when one was recorded.

Nothing is written back: the stored recording stays exactly what was received.
"""

from __future__ import annotations

from collections.abc import Sequence

from assess.recording import RecordedEvent

__all__ = ["SUBMITTED_SUFFIX", "close_recording"]

SUBMITTED_SUFFIX = ":submitted"


def close_recording(recording: Sequence[RecordedEvent], session_id: str,
                    candidate_id: str | None) -> list[RecordedEvent]:
    """``recording`` ending with a session-complete (added at its last event if missing).

    An empty recording stays empty: there is nothing to score.
    """
    events = list(recording)
    if not events or any(e.type == "session-complete" for e in events):
        return events
    last = max(events, key=lambda e: e.timestamp)
    start = next((e for e in events if e.type == "session-started"), events[0])
    data: dict[str, object] = {
        "sessionId": session_id, "timestamp": last.timestamp.isoformat(),
        "duration": max(0.0, (last.timestamp - start.timestamp).total_seconds()),
    }
    if candidate_id:
        data["candidateId"] = candidate_id
    question = start.data.get("questionId") if start.type == "session-started" else None
    if isinstance(question, str):
        data["questionId"] = question
    closing = RecordedEvent(event_id=session_id + SUBMITTED_SUFFIX, seq=len(events),
                            type="session-complete", timestamp=last.timestamp, data=data)
    return [*events, closing]
