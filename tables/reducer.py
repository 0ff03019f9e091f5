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
from dataclasses import dataclass
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
from assess.indicators.records import updated
from assess.irt import (
    Estimate,
    Grid,
    confidence_band,
    eap,
    initial_log_posterior,
    pack,
    recommend_difficulty,
    unpack,
    update,
)
from assess.irt.regrid import unpack_onto
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
    ``a, b, c`` are the 3PL parameters used (``b`` in logits); ``bank_version`` is the
    item-bank version the session reads (None without a versioned bank).
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
    bank_version: int | None = None


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


@dataclass(slots=True)
class _Ctx:
    """Per-event context: ``at`` is the event time in epoch seconds, ``stamp`` ISO-8601.

    Not frozen: it never leaves :func:`apply`, and a frozen ``__init__`` costs a
    ``object.__setattr__`` call per field on every event.
    """

    config: ReducerConfig
    items: ItemLookup | None
    event_id: str
    stamp: str
    at: float
    bank_version: int | None = None


#: The fields an event changes, by name. Handlers add to it; :func:`apply` then makes the
#: new state with one copy per event instead of one per step.
Changes = dict[str, Any]


def _bookkeeping(
    state: SessionState, event: Event, position: Position, ctx: _Ctx
) -> tuple[Changes, float | None]:
    """Offsets, counts and the progress clock; returns the changes and the idle seconds
    (event time minus last progress) when this event is candidate activity.

    The changes always hold ``struggle``: handlers read the track from there, never
    from ``state``, because the progress clock may have just been started.
    """
    counts = dict(state.event_counts)
    counts[event.type] = counts.get(event.type, 0) + 1
    applied = dict(state.applied)
    applied[f"{position.topic}:{position.partition}"] = position.offset
    struggle, idle = state.struggle, None
    if struggle.last_progress_at is None:
        struggle = updated(struggle, last_progress_at=ctx.at)
    elif event.type in _ACTIVITY and state.completed_at is None:
        idle = ctx.at - struggle.last_progress_at
    changes = {
        "event_counts": counts,
        "applied": applied,
        "last_event_at": ctx.stamp,
        "events_applied": state.events_applied + 1,
        "struggle": struggle,
    }
    return changes, idle


def _progress(changes: Changes, ctx: _Ctx, *, resets_thrashing: bool) -> None:
    """Restart the stall clock (never backwards, if event times are out of order)."""
    track = changes["struggle"]
    last = track.last_progress_at
    at = ctx.at if last is None else max(last, ctx.at)
    changes["struggle"] = note_progress(track, at, resets_thrashing=resets_thrashing)


def _log_posterior(state: SessionState, config: ReducerConfig) -> FloatArray:
    """The stored log posterior on the configured grid, or the prior when there is none.

    A posterior stored on another grid (an older worker's, or one written before states
    recorded their grid) is moved onto this one first (see :mod:`assess.irt.regrid`).
    """
    grid = config.grid
    if not state.log_posterior:
        return initial_log_posterior(grid)
    if state.posterior_grid == grid.spec:
        return unpack(state.log_posterior, grid)
    stored = None if state.posterior_grid is None else Grid.from_spec(state.posterior_grid)
    return unpack_onto(state.log_posterior, stored, grid)


# Handlers get the state as it was before the event (bookkeeping changes only fields
# they read from ``changes``), add their own changes, and return the effects.
def _session_started(
    state: SessionState, event: SessionStarted, ctx: _Ctx, changes: Changes
) -> list[Effect]:
    data = event.data
    log_post = _log_posterior(state, ctx.config)
    est = eap(log_post, ctx.config.grid)
    changes.update(
        candidate_id=data.candidate_id,
        question_id=data.question_id,
        started_at=state.started_at or ctx.stamp,
        difficulty=data.difficulty,
        question_started=ctx.at,
        runs=start_question(state.runs),
        log_posterior=pack(log_post),
        posterior_grid=ctx.config.grid.spec,
        theta=est.theta,
        se=est.se,
        at_bound=est.at_bound,
    )
    _progress(changes, ctx, resets_thrashing=False)
    return []


def _ai_interaction(
    state: SessionState, event: AiInteraction, ctx: _Ctx, changes: Changes
) -> list[Effect]:
    data, cfg = event.data, ctx.config
    changes["usage"] = record_chat(
        state.usage,
        data.candidate_message,
        data.ai_response,
        data.tools_used,
        short_prompt_words=cfg.struggle.short_prompt_words,
        memory_size=cfg.ai_code_memory,
        max_lines=cfg.ai_code_max_lines,
        quality=data.prompt_quality,
        unprogressed=changes["struggle"].chats_since_progress > 0,
    )
    changes["struggle"] = note_chat(changes["struggle"])
    return []


def _code_changed(
    state: SessionState, event: CodeChanged, ctx: _Ctx, changes: Changes
) -> list[Effect]:
    changes["usage"], _ = record_code_change(
        state.usage, event.data.files, event.data.trigger, min_lines=ctx.config.paste_min_lines
    )
    _progress(changes, ctx, resets_thrashing=event.data.trigger == "manual")
    return []


def _test_run(state: SessionState, event: TestRun, ctx: _Ctx, changes: Changes) -> list[Effect]:
    data = event.data
    changes["runs"], progressed = record_run(
        state.runs,
        at=ctx.at,
        question_id=data.question_id,
        passed=data.passed,
        failed=data.failed,
        total=data.total,
        failing_tests=data.failing_tests,
        max_names=ctx.config.max_failing_names,
    )
    if progressed:
        _progress(changes, ctx, resets_thrashing=True)
    return []


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


def _question_answered(
    state: SessionState, event: QuestionAnswered, ctx: _Ctx, changes: Changes
) -> list[Effect]:
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
    changes.update(
        log_posterior=pack(log_post),
        posterior_grid=cfg.grid.spec,
        theta=est.theta,
        se=est.se,
        at_bound=est.at_bound,
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
    point = _theta_point(state, data.question_id, item, score, est, ctx)
    effects: list[Effect] = [point]
    if scored:
        _recommend(state, changes, est, ctx, effects)
    return effects


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
        ctx.bank_version,
    )


def _recommend(
    state: SessionState, changes: Changes, est: Estimate, ctx: _Ctx, effects: list[Effect]
) -> None:
    """Most informative level at theta; adjust when it moved >= the threshold; stable?

    Reads the difficulty and scored count this answer just set (in ``changes``).
    """
    cfg = ctx.config
    level = recommend_difficulty(est.theta, cfg.recommend_a, cfg.recommend_c)
    current = changes["difficulty"] or cfg.default_difficulty
    changes["recommended_difficulty"] = level
    if abs(level - current) >= cfg.difficulty_change_threshold:
        low, high = confidence_band(est, cfg.band_z)
        reason = (
            f"EAP theta {est.theta:+.2f} logits (SE {est.se:.2f}, band {low:+.2f}.."
            f"{high:+.2f}) after {changes['scored_responses']} scored answers: level "
            f"{level} is most informative, {abs(level - current)} from level {current} "
            f"(threshold {cfg.difficulty_change_threshold})"
        )
        effects.append(
            PublishAdjustDifficulty(
                state.session_id, ctx.stamp, level, current, est.theta, est.se, low, high, reason
            )
        )
        changes["difficulty"] = level
    # Mass at the grid's edge means theta and SE may be cut short: never stable then.
    if not state.estimate_stable and est.se < cfg.stable_se_threshold and not est.at_bound:
        effects.append(EstimateStable(state.session_id, est.theta, est.se, ctx.stamp))
        changes["estimate_stable"] = True


def _session_complete(
    state: SessionState, event: SessionComplete, ctx: _Ctx, changes: Changes
) -> list[Effect]:
    """Record completion; request the evaluation only the first time."""
    data = event.data
    changes["candidate_id"] = data.candidate_id
    changes["completed_at"] = state.completed_at or ctx.stamp
    if state.completed_at is not None:
        return []
    return [RequestEvaluation(state.session_id, data.candidate_id, ctx.stamp)]


_HANDLERS: dict[str, Callable[[SessionState, Any, _Ctx, Changes], list[Effect]]] = {
    "session-started": _session_started,
    "ai-interaction": _ai_interaction,
    "code-changed": _code_changed,
    "test-run": _test_run,
    "question-answered": _question_answered,
    "session-complete": _session_complete,
}


def _struggle(
    state: SessionState, idle: float | None, ctx: _Ctx
) -> tuple[SessionState, list[Effect]]:
    """Run the struggle rules; one :class:`IndicatorFired` per newly fired indicator.

    Runs on the already-built new state; it copies that again only when an indicator
    fires, which happens at most once per indicator and session.
    """
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
    *,
    event_key: str | None = None,
) -> Outcome:
    """Fold one event into the session's state; redelivered input changes nothing.

    ``event_key``, when given, is remembered in the new state's ``recent_keys`` (the
    same as calling :meth:`SessionState.remember` on it, without a second copy).

    Raises :class:`InvalidItemParameters` (or another ``ValueError`` from the IRT code,
    e.g. a stored posterior that does not fit the configured grid) without changing
    ``state``; the caller dead-letters the event.
    """
    data = event.data
    current = state or SessionState(session_id=data.session_id)
    if current.is_duplicate(position.topic, position.partition, position.offset):
        return Outcome(current, duplicate=True)
    timestamp = data.timestamp
    stamp, at = timestamp.isoformat(), timestamp.timestamp()
    ctx = _Ctx(config or _DEFAULT_CONFIG, items, position.event_id, stamp, at,
               current.bank_version)
    changes, idle = _bookkeeping(current, event, position, ctx)
    if ctx.bank_version is None and items is not None:
        # Pin the bank version on the session's first event with a versioned bank, so a
        # bank written mid-interview applies to new sessions only.
        ctx.bank_version = getattr(items, "version", None)
        if ctx.bank_version is not None:
            changes["bank_version"] = ctx.bank_version
    handler = _HANDLERS.get(event.type)
    effects = handler(current, event, ctx, changes) if handler is not None else []
    if event_key is not None:
        changes["recent_keys"] = current.keys_with(event_key)
    new, fired = _struggle(current.evolve(**changes), idle, ctx)
    return Outcome(new, (*effects, *fired))
