"""Struggle rules: each indicator fires on crafted inputs, none on a healthy session."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assess.indicators import (
    INDICATORS,
    StruggleInputs,
    StruggleThresholds,
    StruggleTrack,
    fire_new,
    note_chat,
    note_progress,
    struggle_signals,
)

T = StruggleThresholds()
HEALTHY = StruggleInputs(
    help_requests=1,
    prompts=6,
    short_prompts=2,
    test_runs=5,
    failure_rate=0.4,
    avg_response_seconds=900.0,
    idle_seconds=120.0,
    failure_streak=2,
    failing_tests=("test_a",),
    chats_since_progress=3,
)


def test_healthy_session_fires_nothing() -> None:
    assert struggle_signals(HEALTHY, T) == []
    assert struggle_signals(StruggleInputs(), T) == []


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("asking_for_help", {"help_requests": 3}),
        ("short_prompts", {"short_prompts": 3}),
        ("high_test_failure_rate", {"failure_rate": 0.7}),
        ("slow_response_time", {"avg_response_seconds": 1800.0}),
        ("stalled_progress", {"idle_seconds": 600.0}),
        ("repeated_failure", {"failure_streak": 3}),
        ("ai_thrashing", {"chats_since_progress": 5}),
    ],
)
def test_each_indicator_fires_at_its_threshold(name: str, changes: dict[str, object]) -> None:
    inputs = StruggleInputs(**{**_as_dict(HEALTHY), **changes})  # type: ignore[arg-type]
    assert [n for n, _ in struggle_signals(inputs, T)] == [name]


def _as_dict(inputs: StruggleInputs) -> dict[str, object]:
    return {name: getattr(inputs, name) for name in inputs.__slots__}


def test_short_prompts_needs_a_minimum_number_of_prompts() -> None:
    assert struggle_signals(StruggleInputs(prompts=1, short_prompts=1), T) == []


def test_high_failure_rate_needs_a_minimum_number_of_runs() -> None:
    assert struggle_signals(StruggleInputs(test_runs=2, failure_rate=1.0), T) == []


def test_repeated_failure_detail_names_the_tests() -> None:
    inputs = StruggleInputs(failure_streak=4, failing_tests=("test_a", "test_b"))
    assert struggle_signals(inputs, T) == [
        ("repeated_failure", "same tests failed in 4 consecutive runs: test_a, test_b")
    ]


def test_signals_come_in_canonical_order() -> None:
    inputs = StruggleInputs(chats_since_progress=9, help_requests=9, prompts=9, idle_seconds=9999.0)
    names = [n for n, _ in struggle_signals(inputs, T)]
    assert names == sorted(names, key=INDICATORS.index)


def test_fire_new_records_each_indicator_once() -> None:
    track, new = fire_new(StruggleTrack(), [("ai_thrashing", "d1")], "t1", "e1")
    assert new == [("ai_thrashing", "t1", "e1", "d1")]
    track, new = fire_new(track, [("ai_thrashing", "d2"), ("short_prompts", "d3")], "t2", "e2")
    assert new == [("short_prompts", "t2", "e2", "d3")]
    assert track.fired == (("ai_thrashing", "t1", "e1", "d1"), ("short_prompts", "t2", "e2", "d3"))


def test_progress_resets_the_clock_and_optionally_the_chats() -> None:
    track = note_chat(note_chat(StruggleTrack()))
    assert note_progress(track, 5.0, resets_thrashing=False).chats_since_progress == 2
    reset = note_progress(track, 5.0, resets_thrashing=True)
    assert (reset.last_progress_at, reset.chats_since_progress) == (5.0, 0)


def test_domain_imports_no_infrastructure() -> None:
    code = (
        "import sys, assess.indicators, assess.items\n"
        "bad = {'faust', 'aiokafka', 'asyncpg', 'anthropic', 'streams'} & set(sys.modules)\n"
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
