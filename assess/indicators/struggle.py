"""Struggle indicators: named conditions that suggest a candidate is stuck.

Each indicator fires at most once per session; the first firing records when
(ISO-8601 event time) and the event that showed it. Conditions, checked after
every event with the thresholds of :class:`StruggleThresholds`:

* ``asking_for_help``: at least ``help_requests`` prompts seek help: ask to be helped
  or handed a solution ("I'm stuck... can you help", "fix it"), or, in any language,
  give no context right after a chat that led to no progress
  (:func:`assess.indicators.prompts.is_help_seeking`).
* ``short_prompts``: at least ``short_prompts_min`` prompts, and the share of prompts
  under ``short_prompt_words`` words with no code reference is at least
  ``short_prompt_share`` (:func:`assess.indicators.prompts.is_short_prompt`).
* ``high_test_failure_rate``: at least ``high_failure_min_runs`` test runs and a
  failure rate (failed / total tests) of at least ``high_failure_rate``.
* ``slow_response_time``: the mean time spent per answered question is at least
  ``slow_response_seconds``.
* ``stalled_progress``: at least ``stalled_after_seconds`` of event time passed with no
  code change and no test run gaining passes (measured when the next event arrives).
* ``repeated_failure``: the same tests failed in ``repeated_failure_runs`` consecutive
  runs (rule in :mod:`assess.indicators.runs`).
* ``ai_thrashing``: ``ai_thrashing_chats`` AI chats in a row with no manual code change
  and no test run gaining passes in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from assess.indicators.records import updated

__all__ = [
    "AI_THRASHING",
    "ASKING_FOR_HELP",
    "HIGH_TEST_FAILURE_RATE",
    "INDICATORS",
    "REPEATED_FAILURE",
    "SHORT_PROMPTS",
    "SLOW_RESPONSE_TIME",
    "STALLED_PROGRESS",
    "Fired",
    "StruggleInputs",
    "StruggleThresholds",
    "StruggleTrack",
    "fire_new",
    "note_chat",
    "note_progress",
    "struggle_signals",
]

ASKING_FOR_HELP = "asking_for_help"
SHORT_PROMPTS = "short_prompts"
HIGH_TEST_FAILURE_RATE = "high_test_failure_rate"
SLOW_RESPONSE_TIME = "slow_response_time"
STALLED_PROGRESS = "stalled_progress"
REPEATED_FAILURE = "repeated_failure"
AI_THRASHING = "ai_thrashing"
INDICATORS = (
    ASKING_FOR_HELP,
    SHORT_PROMPTS,
    HIGH_TEST_FAILURE_RATE,
    SLOW_RESPONSE_TIME,
    STALLED_PROGRESS,
    REPEATED_FAILURE,
    AI_THRASHING,
)

#: ``(name, first_at, event_id, detail)``; ``first_at`` is the event's ISO-8601 time.
Fired = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class StruggleThresholds:
    """When each indicator fires (times in seconds, rates and shares 0-1)."""

    help_requests: int = 2
    short_prompt_words: int = 6  # five words and no code ("I'm stuck... can you help") is short
    short_prompts_min: int = 2
    short_prompt_share: float = 0.5
    high_failure_rate: float = 0.7
    high_failure_min_runs: int = 3
    slow_response_seconds: float = 1800.0
    stalled_after_seconds: float = 600.0
    repeated_failure_runs: int = 3
    ai_thrashing_chats: int = 5


@dataclass(frozen=True, slots=True)
class StruggleInputs:
    """A session's numbers as of one event; ``idle_seconds`` is the event time minus the
    last progress (None when not measured, e.g. after the session completed)."""

    help_requests: int = 0
    prompts: int = 0
    short_prompts: int = 0
    test_runs: int = 0
    failure_rate: float | None = None
    avg_response_seconds: float | None = None
    idle_seconds: float | None = None
    failure_streak: int = 0
    failing_tests: tuple[str, ...] = ()
    chats_since_progress: int = 0


@dataclass(frozen=True, slots=True)
class StruggleTrack:
    """Progress clock (epoch seconds), chats since progress, and indicators fired so far."""

    last_progress_at: float | None = None
    chats_since_progress: int = 0
    fired: tuple[Fired, ...] = ()

    def has(self, name: str) -> bool:
        """True once indicator ``name`` has fired."""
        return any(entry[0] == name for entry in self.fired)


def _prompt_signals(x: StruggleInputs, t: StruggleThresholds) -> list[tuple[str, str]]:
    out = []
    if x.help_requests >= t.help_requests:
        out.append((ASKING_FOR_HELP, f"{x.help_requests} of {x.prompts} prompts ask for help"))
    if x.prompts >= t.short_prompts_min and x.short_prompts >= t.short_prompt_share * x.prompts:
        out.append(
            (
                SHORT_PROMPTS,
                f"{x.short_prompts} of {x.prompts} prompts are under {t.short_prompt_words} "
                "words with no code reference",
            )
        )
    if x.chats_since_progress >= t.ai_thrashing_chats:
        out.append((AI_THRASHING, f"{x.chats_since_progress} AI chats without code progress"))
    return out


def _work_signals(x: StruggleInputs, t: StruggleThresholds) -> list[tuple[str, str]]:
    out = []
    rate = x.failure_rate
    if x.test_runs >= t.high_failure_min_runs and rate is not None and rate >= t.high_failure_rate:
        out.append((HIGH_TEST_FAILURE_RATE, f"{rate:.0%} of tests failed over {x.test_runs} runs"))
    avg = x.avg_response_seconds
    if avg is not None and avg >= t.slow_response_seconds:
        out.append((SLOW_RESPONSE_TIME, f"mean time per question {avg:.0f} s"))
    if x.idle_seconds is not None and x.idle_seconds >= t.stalled_after_seconds:
        out.append(
            (STALLED_PROGRESS, f"no code change or test progress for {x.idle_seconds:.0f} s")
        )
    if x.failure_streak >= t.repeated_failure_runs:
        names = ", ".join(x.failing_tests)
        detail = f"same tests failed in {x.failure_streak} consecutive runs"
        out.append((REPEATED_FAILURE, f"{detail}: {names}"[:240] if names else detail))
    return out


def struggle_signals(
    inputs: StruggleInputs, thresholds: StruggleThresholds
) -> list[tuple[str, str]]:
    """``(name, detail)`` of every indicator whose condition holds for ``inputs``."""
    found = _prompt_signals(inputs, thresholds) + _work_signals(inputs, thresholds)
    if len(found) < 2:  # the common case after every event: nothing to order
        return found
    return sorted(found, key=lambda pair: INDICATORS.index(pair[0]))


def note_chat(track: StruggleTrack) -> StruggleTrack:
    """Count one AI chat towards ``ai_thrashing``."""
    return updated(track, chats_since_progress=track.chats_since_progress + 1)


def note_progress(track: StruggleTrack, at: float, *, resets_thrashing: bool) -> StruggleTrack:
    """Restart the stall clock at ``at`` (epoch seconds); optionally the chat count too."""
    chats = 0 if resets_thrashing else track.chats_since_progress
    return updated(track, last_progress_at=at, chats_since_progress=chats)


def fire_new(
    track: StruggleTrack, signals: list[tuple[str, str]], first_at: str, event_id: str
) -> tuple[StruggleTrack, list[Fired]]:
    """Record the signals that have not fired before; return the track and the new ones.

    Runs after every event, usually with no signal or only ones that fired long ago,
    so the fired names are collected once rather than scanned per signal."""
    if not signals:
        return track, []
    done = {entry[0] for entry in track.fired}
    new = [(name, first_at, event_id, detail) for name, detail in signals if name not in done]
    if not new:
        return track, []
    return updated(track, fired=track.fired + tuple(new)), new
