"""What every platform-traffic test checks once the workers have settled.

:func:`settle` waits until the worker has finished the expected jobs and then stays
quiet; :func:`one_of_each` checks one stored evaluation, one ``evaluation-complete``
and one e-mail per candidate, nothing dead-lettered, and the same score for every
session (they all carry the same events).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from tests.integration.interviewlm.platform_traffic.conftest import Platform, eventually
from tests.integration.interviewlm.platform_traffic.traffic import Entry

__all__ = ["Sessions", "interleave", "one_of_each", "settle"]

#: Seconds with no new finished job (and no new e-mail) before the counts are final.
QUIET_SECONDS = 3.0


@dataclass
class Sessions:
    """Session id -> candidate id of one test, and the counters when it started."""

    ids: dict[str, str]
    baseline: dict[str, float] = field(default_factory=dict)

    def start(self, platform: Platform) -> Sessions:
        self.baseline = {"analyze": platform.counted("analyze", "ok"),
                         "evaluation-complete": platform.counted("evaluation-complete")}
        return self


def interleave(plans: list[list[Entry]]) -> list[Entry]:
    """Sessions' plans merged round-robin, as concurrent interviews publish."""
    return [e for batch in zip_longest(*plans) for e in batch if e is not None]


def _snapshot(platform: Platform, sessions: Sessions) -> tuple[float, ...]:
    return (platform.counted("analyze", "ok") - sessions.baseline["analyze"],
            platform.counted("evaluation-complete") - sessions.baseline["evaluation-complete"],
            float(len(platform.inbox.messages)))


def settle(platform: Platform, sessions: Sessions, analyzes: int, timeout: float = 180) -> None:
    """Wait for ``analyzes`` finished analyze jobs (retries count once each, when they
    finish), one e-mail per candidate, then :data:`QUIET_SECONDS` with nothing more."""
    def finished() -> bool:
        return (platform.counted("analyze", "ok") >= sessions.baseline["analyze"] + analyzes
                and all(platform.mails(c) for c in sessions.ids.values()))

    eventually(finished, timeout, f"{analyzes} analyze jobs and an e-mail per candidate; "
                                  f"worker log: {platform.worker.logs()[-2000:]}")
    before = _snapshot(platform, sessions)
    while True:
        time.sleep(QUIET_SECONDS)
        now = _snapshot(platform, sessions)
        if now == before:
            return
        before = now


def one_of_each(platform: Platform, sessions: Sessions,
                emailed: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """One evaluation, evaluation-complete and e-mail per candidate; returns the rows.

    The e-mail shows the stored score, or the one in ``emailed`` (by session id) when
    the evaluation was re-scored after it was announced.
    """
    ids = sessions.ids
    rows = platform.rows("SELECT * FROM internal.evaluations WHERE session_id = ANY($1)"
                         " ORDER BY session_id", list(ids))
    assert sorted(r["session_id"] for r in rows) == sorted(ids), "one evaluation per session"
    assert all(r["candidate_id"] == ids[r["session_id"]] for r in rows)
    assert platform.rows("SELECT * FROM internal.failed_jobs") == [], "nothing dead-lettered"
    done = platform.completions(set(ids))
    assert sorted(d["data"]["sessionId"] for d in done) == sorted(ids), \
        "one evaluation-complete per evaluation"
    by_session = {r["session_id"]: r for r in rows}
    for event in done:
        row = by_session[event["data"]["sessionId"]]
        assert event["eventId"] == f"evaluation-complete:{row['evaluation_id']}:2024.1"
    for session_id, candidate_id in ids.items():
        [mail] = platform.mails(candidate_id)
        shown = re.search(r"scored ([0-9.]+)$", str(mail["Subject"]))
        score = (emailed or {}).get(session_id, by_session[session_id]["overall_score"])
        sent = round(score, 2)  # as the message carries it
        assert shown and float(shown[1]) == round(sent, 1), \
            f"the e-mail shows the score: {mail['Subject']!r}, stored {score}"
    assert platform.counted("evaluation-complete") - sessions.baseline[
        "evaluation-complete"] == len(ids), "the notification worker saw one per evaluation"
    scores = {round(r["overall_score"], 6) for r in rows}
    assert len(scores) == 1, f"same events, same score, whatever the shape or order: {scores}"
    return rows
