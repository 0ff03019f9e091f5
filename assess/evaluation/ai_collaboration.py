"""AI collaboration (20% by default): how well the candidate worked with the assistant.

* ``interaction`` (from the recording): prompt quality (45%), what AI-made changes
  led to (35%: the next test run improved, stayed, or regressed -- a regression right
  after an AI change is blind acceptance), and AI dependency (20%: the share of code
  changes the AI made, scored best at 30-50%).
* ``interview_metrics`` (from the interview agent): its average prompt quality (1-5)
  and AI dependency (0-100), scored the same way.
"""

from __future__ import annotations

from assess.evaluation.evidence import make_evidence
from assess.evaluation.inputs import InterviewSignals
from assess.evaluation.methods import (
    DimensionDraft,
    MethodScore,
    dependency_score,
    weighted_mean,
)
from assess.evaluation.prompts import assess_prompt, to_percent
from assess.evaluation.result import Evidence, Flag
from assess.evaluation.session import SessionView, TestRunFact
from assess.recording import RecordedEvent

__all__ = ["ai_changes", "interaction_method", "metrics_method", "score_ai_collaboration"]

_NEUTRAL_OUTCOME = 0.4  # tests unchanged and still failing after an AI change


def score_ai_collaboration(view: SessionView, signals: InterviewSignals | None) -> DimensionDraft:
    """The AI-collaboration dimension's deterministic methods."""
    methods = [m for m in (interaction_method(view), metrics_method(view, signals))
               if m is not None]
    draft = DimensionDraft("ai_collaboration", tuple(methods))
    if not view.turns:
        draft = draft.with_flag(Flag("low_evidence", "no AI interactions were recorded",
                                     "ai_collaboration"))
    return draft


def ai_changes(view: SessionView) -> list[RecordedEvent]:
    """Events where the AI changed code: ``code-changed`` by "ai", or turns that modified files."""
    editing_turns = {t.event.event_id for t in view.turns if t.files_modified}
    ai_edits = {c.event.event_id for c in view.changes if c.trigger == "ai"}
    return [e for e in view.events if e.event_id in editing_turns or e.event_id in ai_edits]


def interaction_method(view: SessionView) -> MethodScore | None:
    """Score from prompts, AI-change outcomes and dependency; None if the AI was never used."""
    changes = ai_changes(view)
    if not view.turns and not changes:
        return None
    evidence: list[Evidence] = []
    prompts = _prompt_part(view, evidence)
    outcome = _outcome_part(view, changes, evidence)
    dependency = _dependency_part(view, changes, evidence)
    score = weighted_mean([(prompts, 0.45), (outcome, 0.35), (dependency, 0.20)])
    reliability = len(view.turns) / (len(view.turns) + 3.0)
    return MethodScore("interaction", score or 0.0, reliability, tuple(evidence))


def _prompt_part(view: SessionView, evidence: list[Evidence]) -> float | None:
    """Mean prompt quality (0-100); the best and worst prompts become evidence."""
    rated = [(assess_prompt(t.message), t) for t in view.turns if t.message.strip()]
    if not rated:
        return None
    best = max(rated, key=lambda pair: pair[0].score)
    worst = min(rated, key=lambda pair: pair[0].score)
    for quality, turn in (best, worst) if best is not worst else (best,):
        label = "asks the AI to do the whole task" if quality.delegates else "prompt"
        evidence.append(make_evidence(
            turn.event, "ai_interaction", f"Prompt quality {quality.score:.1f}/5 ({label})",
            snippet=turn.message, value=quality.score))
    return to_percent(sum(q.score for q, _ in rated) / len(rated))


def _outcome_part(view: SessionView, changes: list[RecordedEvent],
                  evidence: list[Evidence]) -> float | None:
    """Share of AI changes whose next test run improved (1), stayed (0.4) or regressed (0)."""
    outcomes: dict[str, float] = {}
    for change in changes:
        before = _last_run(view, change.seq, before=True)
        after = _last_run(view, change.seq, before=False)
        if after is None or after.event.event_id in outcomes:
            continue
        base = before.passed if before is not None else 0
        if after.all_pass or after.passed > base:
            outcomes[after.event.event_id], label = 1.0, "AI change followed by progress"
        elif after.passed < base:
            outcomes[after.event.event_id] = 0.0
            label = "blind acceptance: AI change followed by a regression"
        else:
            outcomes[after.event.event_id], label = _NEUTRAL_OUTCOME, "AI change, tests unchanged"
        evidence.append(make_evidence(after.event, "test_result", label,
                                      value=float(after.passed - base)))
    return 100.0 * sum(outcomes.values()) / len(outcomes) if outcomes else None


def _last_run(view: SessionView, seq: int, *, before: bool) -> TestRunFact | None:
    """The last test run before ``seq``, or the first one after it."""
    if before:
        earlier = [r for r in view.test_runs if r.event.seq < seq]
        return earlier[-1] if earlier else None
    return next((r for r in view.test_runs if r.event.seq > seq), None)


def _dependency_part(view: SessionView, changes: list[RecordedEvent],
                     evidence: list[Evidence]) -> float | None:
    """Dependency score from the share of code changes made by the AI.

    AI edits are ``code-changed`` events triggered by "ai"; when the platform marks
    none, turns that modified files stand in for them (never both, to avoid counting
    one edit twice).
    """
    manual = sum(1 for c in view.changes if c.trigger == "manual")
    by_ai = sum(1 for e in changes if e.type == "code-changed")
    if by_ai == 0:  # the platform did not mark AI edits; count turns that modified files
        by_ai = len(changes)
    if manual + by_ai == 0:
        return None
    share = 100.0 * by_ai / (manual + by_ai)
    evidence.append(make_evidence(view.complete, "metric",
                                  "AI dependency: share of code changes made by the AI (%)",
                                  value=share))
    return dependency_score(share)


def metrics_method(view: SessionView, signals: InterviewSignals | None) -> MethodScore | None:
    """Score from the interview agent's prompt quality and dependency; None if it sent neither."""
    if signals is None:
        return None
    quality = signals.avg_prompt_quality
    dependency = signals.ai_dependency
    parts = [(None if quality is None else to_percent(quality), 0.6),
             (None if dependency is None else dependency_score(dependency), 0.4)]
    score = weighted_mean(parts)
    if score is None:
        return None
    evidence = [make_evidence(view.complete, "metric", label, value=value)
                for label, value in (("Interview average prompt quality (1-5)", quality),
                                     ("Interview AI dependency (0-100)", dependency))
                if value is not None]
    return MethodScore("interview_metrics", score, 0.6, tuple(evidence))
