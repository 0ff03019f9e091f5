"""The pure reducer: ``apply(state, event, position, config, items) -> Outcome``.

No Faust, Kafka or database here, so the whole stateful behaviour of the interview
agent can be tested on plain lists of events. ``apply`` is deterministic: the same
events in the same order give the same state and effects, and an input position at or
below the last one applied for its ``topic:partition`` changes nothing.

Per event type:

* ``session-started``: candidate, question, current difficulty; the prior posterior.
* ``ai-interaction``: prompt quality and flags, tool use, AI code remembered (hashes).
* ``code-changed``: AI-triggered share, pasted AI code, progress clock.
* ``test-run``: failure rate, progress, repeated-failure streak, latest run.
* ``question-answered``: item parameters (event, bank, default), the score, the EAP
  update, a :class:`ThetaPoint`, and possibly :class:`PublishAdjustDifficulty` and
  :class:`EstimateStable`.
* ``session-complete``: :class:`RequestEvaluation`, once.
* ``adjust-difficulty`` (our own command coming back) and other types: counted only.

After each event the struggle rules run and each newly fired indicator yields one
:class:`IndicatorFired`. Invalid item parameters raise :class:`InvalidItemParameters`
(a ``ValueError``) before any new state exists, so the caller can dead-letter the event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from assess.indicators import (
    StruggleInputs,
    failure_rate,
    fire_new,
    note_chat,
    note_progress,
    partial_credit,
    record_chat,
    record_code_change,
    record_run,
    start_question,
    struggle_signals,
)
from assess.irt import (
    Estimate,
    confidence_band,
    eap,
    initial_log_posterior,
    pack,
    recommend_difficulty,
    unpack,
    update,
)
from assess.items import InvalidItemParameters, ItemLookup, ResolvedItem, resolve_item
from streams.events import (
    AiInteraction,
    CodeChanged,
    Event,
    QuestionAnswered,
    SessionComplete,
    SessionStarted,
    TestRun,
)
from tables.config import ReducerConfig
from tables.state import SessionState, metrics_row

__all__ = [
    "Effect",
    "EstimateStable",
    "IndicatorFired",
    "InvalidItemParameters",
    "Outcome",
    "Position",
    "PublishAdjustDifficulty",
    "RequestEvaluation",
    "ThetaPoint",
    "apply",
    "metrics_row",
    "score_response",
]

FloatArray = npt.NDArray[np.float64]
_DEFAULT_CONFIG = ReducerConfig()
#: Event types that count as candidate activity for the stalled-progress clock.
_ACTIVITY = frozenset(
    {"ai-interaction", "code-changed", "test-run", "question-answered", "session-complete"}
)


@dataclass(frozen=True, slots=True)
class Position:
    """Where an input event sits in Kafka."""

    topic: str
    partition: int
    offset: int

    @property
    def event_id(self) -> str:
        """Stable id of the input event: ``topic:partition:offset``."""
        return f"{self.topic}:{self.partition}:{self.offset}"


# ---- effects (timestamps are the triggering event's ISO-8601 time) ---------------
@dataclass(frozen=True, slots=True)
class RequestEvaluation:
    """Ask the evaluation agent to score a completed session."""

    session_id: str
    candidate_id: str
    timestamp: str


@dataclass(frozen=True, slots=True)
class PublishAdjustDifficulty:
    """Tell the platform to move to ``new_difficulty`` (1-10); theta, se and the band
    ``low..high`` are logits."""

    session_id: str
    timestamp: str
    new_difficulty: int
    previous_difficulty: int
    theta: float
    se: float
    low: float
    high: float
    reason: str


@dataclass(frozen=True, slots=True)
class ThetaPoint:
    """The estimate after one answered question (``seq``: 0-based answer index).

    ``score`` is None for an answer that could not be scored (theta did not move);
    ``a, b, c`` are the 3PL parameters used (``b`` in logits).
    """

    session_id: str
    seq: int
    event_id: str
    question_id: str
    timestamp: str
    score: float | None
    theta: float
    se: float
    a: float
    b: float
    c: float


@dataclass(frozen=True, slots=True)
class IndicatorFired:
    """A struggle indicator fired for the first time in this session."""

    session_id: str
    name: str
    first_at: str
    event_id: str
    detail: str


@dataclass(frozen=True, slots=True)
class EstimateStable:
    """The ability estimate's SE (logits) fell below the stable threshold; sent once."""

    session_id: str
    theta: float
    se: float
    timestamp: str


Effect = RequestEvaluation | PublishAdjustDifficulty | ThetaPoint | IndicatorFired | EstimateStable


@dataclass(frozen=True, slots=True)
class Outcome:
    """The new state, the effects to carry out, and whether the input was a duplicate."""

    state: SessionState
    effects: tuple[Effect, ...] = ()
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Per-event context: ``at`` is the event time in epoch seconds, ``stamp`` ISO-8601."""

    config: ReducerConfig
    items: ItemLookup | None
    event_id: str
    stamp: str
    at: float


Step = tuple[SessionState, list[Effect]]


def _bookkeeping(
    state: SessionState, event: Event, position: Position, ctx: _Ctx
) -> tuple[SessionState, float | None]:
    """Offsets, counts and the progress clock; returns the state and the idle seconds
    (event time minus last progress) when this event is candidate activity."""
    counts = dict(state.event_counts)
    counts[event.type] = counts.get(event.type, 0) + 1
    applied = dict(state.applied)
    applied[f"{position.topic}:{position.partition}"] = position.offset
    struggle, idle = state.struggle, None
    if struggle.last_progress_at is None:
        struggle = replace(struggle, last_progress_at=ctx.at)
    elif event.type in _ACTIVITY and state.completed_at is None:
        idle = ctx.at - struggle.last_progress_at
    new = state.evolve(
        event_counts=counts,
        applied=applied,
        last_event_at=ctx.stamp,
        events_applied=state.events_applied + 1,
        struggle=struggle,
    )
    return new, idle


def _progress(state: SessionState, ctx: _Ctx, *, resets_thrashing: bool) -> SessionState:
    """Restart the stall clock (never backwards, if event times are out of order)."""
    last = state.struggle.last_progress_at
    at = ctx.at if last is None else max(last, ctx.at)
    return state.evolve(
        struggle=note_progress(state.struggle, at, resets_thrashing=resets_thrashing)
    )


def _log_posterior(state: SessionState, config: ReducerConfig) -> FloatArray:
    """The stored log posterior, or the prior when there is none yet."""
    if state.log_posterior:
        return unpack(state.log_posterior, config.grid)
    return initial_log_posterior(config.grid)


def _session_started(state: SessionState, event: SessionStarted, ctx: _Ctx) -> Step:
    data = event.data
    log_post = _log_posterior(state, ctx.config)
    est = eap(log_post, ctx.config.grid)
    new = state.evolve(
        candidate_id=data.candidate_id,
        question_id=data.question_id,
        started_at=state.started_at or ctx.stamp,
        difficulty=data.difficulty,
        question_started=ctx.at,
        runs=start_question(state.runs),
        log_posterior=pack(log_post),
        theta=est.theta,
        se=est.se,
    )
    return _progress(new, ctx, resets_thrashing=False), []


def _ai_interaction(state: SessionState, event: AiInteraction, ctx: _Ctx) -> Step:
    data, cfg = event.data, ctx.config
    usage = record_chat(
        state.usage,
        data.candidate_message,
        data.ai_response,
        data.tools_used,
        short_prompt_words=cfg.struggle.short_prompt_words,
        memory_size=cfg.ai_code_memory,
        max_lines=cfg.ai_code_max_lines,
    )
    return state.evolve(usage=usage, struggle=note_chat(state.struggle)), []


def _code_changed(state: SessionState, event: CodeChanged, ctx: _Ctx) -> Step:
    usage, _ = record_code_change(
        state.usage, event.data.files, event.data.trigger, min_lines=ctx.config.paste_min_lines
    )
    new = state.evolve(usage=usage)
    return _progress(new, ctx, resets_thrashing=event.data.trigger == "manual"), []


def _test_run(state: SessionState, event: TestRun, ctx: _Ctx) -> Step:
    data = event.data
    runs, progressed = record_run(
        state.runs,
        at=ctx.at,
        question_id=data.question_id,
        passed=data.passed,
        failed=data.failed,
        total=data.total,
        failing_tests=data.failing_tests,
        max_names=ctx.config.max_failing_names,
    )
    new = state.evolve(runs=runs)
    return (_progress(new, ctx, resets_thrashing=True) if progressed else new), []


def score_response(state: SessionState, event: QuestionAnswered) -> float | None:
    """The score in [0, 1] of an answer, or None when it cannot be scored.

    Rule: ``isCorrect`` when present (1.0 or 0.0). Otherwise partial credit from the
    latest test run with ``total > 0``: it must have happened at or after the question
    started (the previous answer, or session start) and must not be tagged with another
    question id; then the score is ``passed / total``. With no such run there is no
    score: the answer counts as answered but does not move theta.
    """
    if event.data.is_correct is not None:
        return 1.0 if event.data.is_correct else 0.0
    return partial_credit(state.runs, event.data.question_id, state.question_started)


def _question_answered(state: SessionState, event: QuestionAnswered, ctx: _Ctx) -> Step:
    data, cfg = event.data, ctx.config
    current = state.difficulty or cfg.default_difficulty
    item = resolve_item(data.question_id, data.item_params, ctx.items, current)  # may raise
    score = score_response(state, event)
    log_post = _log_posterior(state, cfg)
    if score is not None:
        log_post = update(log_post, cfg.grid, item.params, score)
    est = eap(log_post, cfg.grid)
    scored = score is not None
    right, wrong = score is not None and score >= 0.5, score is not None and score < 0.5
    new = state.evolve(
        log_posterior=pack(log_post),
        theta=est.theta,
        se=est.se,
        question_id=data.question_id,
        questions_answered=state.questions_answered + 1,
        scored_responses=state.scored_responses + scored,
        correct=state.correct + right,
        incorrect=state.incorrect + wrong,
        score_sum=state.score_sum + (score or 0.0),
        response_time_sum=state.response_time_sum + data.time_spent,
        question_started=ctx.at,
        runs=start_question(state.runs),
        difficulty=current,
    )
    effects: list[Effect] = [_theta_point(state, data.question_id, item, score, est, ctx)]
    if scored:
        new = _recommend(new, est, ctx, effects)
    return new, effects


def _theta_point(
    state: SessionState,
    question_id: str,
    item: ResolvedItem,
    score: float | None,
    est: Estimate,
    ctx: _Ctx,
) -> ThetaPoint:
    p = item.params
    return ThetaPoint(
        state.session_id,
        state.questions_answered,
        ctx.event_id,
        question_id,
        ctx.stamp,
        score,
        est.theta,
        est.se,
        p.a,
        p.b,
        p.c,
    )


def _recommend(
    state: SessionState, est: Estimate, ctx: _Ctx, effects: list[Effect]
) -> SessionState:
    """Most informative level at theta; adjust when it moved >= the threshold; stable?"""
    cfg = ctx.config
    level = recommend_difficulty(est.theta, cfg.recommend_a, cfg.recommend_c)
    current = state.difficulty or cfg.default_difficulty
    state = state.evolve(recommended_difficulty=level)
    if abs(level - current) >= cfg.difficulty_change_threshold:
        low, high = confidence_band(est, cfg.band_z)
        reason = (
            f"EAP theta {est.theta:+.2f} logits (SE {est.se:.2f}, band {low:+.2f}.."
            f"{high:+.2f}) after {state.scored_responses} scored answers: level {level} "
            f"is most informative, {abs(level - current)} from level {current} "
            f"(threshold {cfg.difficulty_change_threshold})"
        )
        effects.append(
            PublishAdjustDifficulty(
                state.session_id, ctx.stamp, level, current, est.theta, est.se, low, high, reason
            )
        )
        state = state.evolve(difficulty=level)
    if not state.estimate_stable and est.se < cfg.stable_se_threshold:
        effects.append(EstimateStable(state.session_id, est.theta, est.se, ctx.stamp))
        state = state.evolve(estimate_stable=True)
    return state


def _session_complete(state: SessionState, event: SessionComplete, ctx: _Ctx) -> Step:
    """Record completion; request the evaluation only the first time."""
    data = event.data
    new = state.evolve(candidate_id=data.candidate_id, completed_at=state.completed_at or ctx.stamp)
    if state.completed_at is not None:
        return new, []
    return new, [RequestEvaluation(state.session_id, data.candidate_id, ctx.stamp)]


_HANDLERS: dict[str, Callable[[SessionState, Any, _Ctx], Step]] = {
    "session-started": _session_started,
    "ai-interaction": _ai_interaction,
    "code-changed": _code_changed,
    "test-run": _test_run,
    "question-answered": _question_answered,
    "session-complete": _session_complete,
}


def _struggle(state: SessionState, idle: float | None, ctx: _Ctx) -> Step:
    """Run the struggle rules; one :class:`IndicatorFired` per newly fired indicator."""
    usage, runs = state.usage, state.runs
    inputs = StruggleInputs(
        help_requests=usage.help_requests,
        prompts=usage.interactions,
        short_prompts=usage.short_prompts,
        test_runs=runs.runs,
        failure_rate=failure_rate(runs),
        avg_response_seconds=state.avg_response_time,
        idle_seconds=idle,
        failure_streak=runs.streak,
        failing_tests=runs.failing,
        chats_since_progress=state.struggle.chats_since_progress,
    )
    signals = struggle_signals(inputs, ctx.config.struggle)
    track, fired = fire_new(state.struggle, signals, ctx.stamp, ctx.event_id)
    if not fired:
        return state, []
    effects: list[Effect] = [IndicatorFired(state.session_id, *entry) for entry in fired]
    return state.evolve(struggle=track), effects


def apply(
    state: SessionState | None,
    event: Event,
    position: Position,
    config: ReducerConfig | None = None,
    items: ItemLookup | None = None,
) -> Outcome:
    """Fold one event into the session's state; redelivered input changes nothing.

    Raises :class:`InvalidItemParameters` (or another ``ValueError`` from the IRT code,
    e.g. a stored posterior that does not fit the configured grid) without changing
    ``state``; the caller dead-letters the event.
    """
    data = event.data
    current = state or SessionState(session_id=data.session_id)
    if current.is_duplicate(position.topic, position.partition, position.offset):
        return Outcome(current, duplicate=True)
    stamp = data.timestamp.isoformat()
    ctx = _Ctx(
        config or _DEFAULT_CONFIG, items, position.event_id, stamp, data.timestamp.timestamp()
    )
    new, idle = _bookkeeping(current, event, position, ctx)
    handler = _HANDLERS.get(event.type)
    effects: list[Effect] = []
    if handler is not None:
        new, effects = handler(new, event, ctx)
    new, fired = _struggle(new, idle, ctx)
    return Outcome(new, (*effects, *fired))
