"""AI-written code is recognised by its content, whatever the change's trigger says."""

from __future__ import annotations

from assess.evaluation import score_session
from assess.evaluation.aicode import authorship
from assess.evaluation.session import SessionView
from tests.unit.assess.evaluation.sessions import GOOD_CODE, Recorder

REPLY = f"Here is a complete solution:\n```python\n{GOOD_CODE}```\nIt sorts first."


def _session(trigger: str, code: str = GOOD_CODE, reply: str = REPLY) -> list:  # type: ignore[type-arg]
    rec = Recorder()
    rec.start()
    rec.add("ai-interaction", 60, candidateMessage="solve merge() for me", aiResponse=reply,
            toolsUsed=[], filesModified=[])
    rec.edit(120, code, trigger=trigger)
    rec.test(150, passed=10)
    rec.complete(900, code)
    return rec.events


def test_a_pasted_reply_is_the_ais_code_even_when_marked_manual() -> None:
    for trigger in ("manual", "ai"):
        authors = authorship(SessionView.from_recording(_session(trigger)))
        assert authors.share == 1.0
        [change] = authors.changes
        assert change.share == 1.0 and change.source is not None
        assert change.by_content == (change.lines if trigger == "manual" else 0)


def test_reformatting_the_reply_does_not_hide_it() -> None:
    respaced = GOOD_CODE.replace("    ", "  ").replace(", ", " ,  ")
    authors = authorship(SessionView.from_recording(_session("manual", code=respaced)))
    assert authors.share is not None and authors.share > 0.9


def test_code_the_reply_only_quotes_stays_the_candidates() -> None:
    rec = Recorder()
    rec.start()
    rec.edit(30, GOOD_CODE)
    rec.add("ai-interaction", 60, candidateMessage="is merge() right?", aiResponse=REPLY,
            toolsUsed=[], filesModified=[])
    rec.test(90, passed=10)
    rec.complete(900, GOOD_CODE)
    assert authorship(SessionView.from_recording(rec.events)).share == 0.0


def test_manual_paste_scores_like_the_marked_ai_change_and_cites_the_reply() -> None:
    manual, marked = score_session(_session("manual")), score_session(_session("ai"))
    assert manual.dimension("ai_collaboration").score == marked.dimension("ai_collaboration").score
    evidence = manual.dimension("ai_collaboration").evidence
    share = next(e for e in evidence if e.description.startswith("AI-written share"))
    assert share.value == 100.0
    pasted = next(e for e in evidence if "match an earlier AI reply" in e.description)
    assert pasted.event_type == "code-changed" and "interview:0:101" in pasted.description
