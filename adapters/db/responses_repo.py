"""Stored scored responses for item calibration and DIF, read from theta_trajectory.

Each scored answer the interview agent applied is a row of ``theta_trajectory``; its
``a, b, c`` are the parameters the session used for that question, and the session's
candidate comes from ``session_metrics``. A question answered twice in one session
counts once (the last answer).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from assess.irt import ItemParams

__all__ = ["StoredResponse", "stored_responses"]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A scored answer (score 0-1), its session's candidate and the parameters used."""

    session_id: str
    question_id: str
    score: float
    candidate_id: str | None
    used: ItemParams


async def stored_responses(conn: asyncpg.Connection) -> list[StoredResponse]:
    """Every session's last scored answer per question, oldest session first."""
    rows = await conn.fetch(
        "SELECT DISTINCT ON (t.session_id, t.question_id) t.session_id, t.question_id,"
        " t.score, t.a, t.b, t.c, m.candidate_id"
        " FROM internal.theta_trajectory t"
        " LEFT JOIN internal.session_metrics m USING (session_id)"
        " WHERE t.score IS NOT NULL AND t.question_id IS NOT NULL"
        " ORDER BY t.session_id, t.question_id, t.seq DESC")
    return [StoredResponse(r["session_id"], r["question_id"], float(r["score"]),
                           r["candidate_id"], ItemParams(r["a"], r["b"], r["c"]))
            for r in rows]
