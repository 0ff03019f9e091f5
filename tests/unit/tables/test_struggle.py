"""Struggle indicators through the reducer: crafted sequences fire each one, once,
with the time and event that showed it; a healthy session fires none."""

from __future__ import annotations

import itertools

from streams.events import Event
from tables.reducer import IndicatorFired, metrics_row
from tests.unit.tables.builders import answer, chat, code, complete, fold, run, started

SPECIFIC = "Why does `merge_rows` in io.py raise KeyError? I want it to skip blank rows."


def _fired(events: list[Event]) -> list[IndicatorFired]:
    return fold(events).of(IndicatorFired)


def _healthy() -> list[Event]:
    return [
        started(0),
        chat(60, SPECIFIC),
        code(120),
        run(180, passed=2, failed=3),
        chat(240, SPECIFIC),
        code(300),
        run(360, passed=4, failed=1),
        code(420),
        run(480, passed=5, failed=0),
        answer(540, "q1", time_spent=540),
        chat(600, SPECIFIC),
        code(700),
        run(800, passed=3, failed=0),
        answer(900, "q2", correct=True, time_spent=360),
        complete(960),
    ]


def test_a_healthy_session_fires_nothing() -> None:
    folded = fold(_healthy())
    assert folded.of(IndicatorFired) == []
    assert folded.state is not None and metrics_row(folded.state)["struggle_indicators"] == []


def test_asking_for_help() -> None:
    events: list[Event] = [
        started(0),
        chat(10, "I'm stuck on the parser, please help"),
        code(20),
        chat(30, "I have no idea what's wrong with my loop"),
        code(40),
        chat(50, "can you fix it so the tests pass"),
        chat(60, "still stuck, help me again"),
    ]
    (fired,) = _fired(events)
    assert (fired.name, fired.event_id, fired.first_at) == (
        "asking_for_help",
        "interview:0:3",
        "2025-03-01T09:00:30+00:00",
    )
    assert fired.detail == "2 of 2 prompts ask for help"


def test_short_prompts() -> None:
    events: list[Event] = [
        started(0),
        chat(10, "ok next"),
        code(20),
        chat(30, SPECIFIC),
        code(40),
        chat(50, "and now?"),
        code(60),
        chat(70, "why"),
    ]
    (fired,) = _fired(events)  # at the second prompt: 1 of 2 is short, share 1/2 >= 0.5
    assert (fired.name, fired.event_id) == ("short_prompts", "interview:0:3")
    assert fired.detail == "1 of 2 prompts are under 6 words with no code reference"


def test_high_test_failure_rate() -> None:
    events: list[Event] = [
        started(0),
        run(10, 1, 4),
        code(20),
        run(30, 0, 5),
        code(40),
        run(50, 1, 6),
    ]
    (fired,) = _fired(events)
    assert (fired.name, fired.event_id) == ("high_test_failure_rate", "interview:0:5")
    assert fired.detail == "88% of tests failed over 3 runs"


def test_slow_response_time() -> None:
    events: list[Event] = [started(0), code(100), answer(200, "q1", correct=True, time_spent=2400)]
    (fired,) = _fired(events)
    assert (fired.name, fired.detail) == ("slow_response_time", "mean time per question 2400 s")


def test_stalled_progress_is_judged_by_event_time() -> None:
    events: list[Event] = [
        started(0),
        code(100),
        chat(400, SPECIFIC),
        chat(699, SPECIFIC),
        chat(700, SPECIFIC),
    ]
    (fired,) = _fired(events)
    assert (fired.name, fired.event_id) == ("stalled_progress", "interview:0:4")
    assert fired.detail == "no code change or test progress for 600 s"
    # a code change every 5 minutes never stalls; neither does a gap after completion
    steady: list[Event] = [started(0)]
    steady += [code(300 * i) for i in range(1, 8)]
    assert _fired([*steady, complete(2200), chat(9000, SPECIFIC)]) == []


def test_test_progress_restarts_the_stall_clock_but_a_failing_run_does_not() -> None:
    moving: list[Event] = [started(0), run(500, 1, 4), run(1000, 2, 3), chat(1500, SPECIFIC)]
    assert _fired(moving) == []
    stuck: list[Event] = [started(0), run(500, 0, 5), run(1000, 0, 5)]
    assert [f.name for f in _fired(stuck)] == ["stalled_progress"]


def test_repeated_failure_by_test_names() -> None:
    events: list[Event] = [
        started(0),
        run(10, 1, 1, failing=["test_edge"]),
        code(20),
        run(30, 2, 1, failing=["test_edge"]),
        code(40),
        run(50, 3, 1, failing=["test_edge", "test_new"]),
    ]
    (fired,) = _fired(events)
    assert (fired.name, fired.event_id) == ("repeated_failure", "interview:0:5")
    assert fired.detail.endswith(": test_edge")


def test_repeated_failure_by_counts_without_names() -> None:
    events: list[Event] = [
        started(0),
        run(10, 6, 2),
        code(20),
        run(30, 6, 2),
        code(40),
        run(50, 5, 2),
    ]
    assert [f.name for f in _fired(events)] == ["repeated_failure"]
    gaining: list[Event] = [started(0), run(10, 6, 2), run(30, 7, 2), run(50, 8, 2)]
    assert _fired(gaining) == []


def test_ai_thrashing() -> None:
    events: list[Event] = [started(0)]
    for i in range(5):
        events += [chat(10 + 20 * i, SPECIFIC), code(20 + 20 * i, trigger="ai")]
    (fired,) = _fired(events)
    assert (fired.name, fired.event_id) == ("ai_thrashing", "interview:0:9")
    assert fired.detail == "5 AI chats without code progress"
    working: list[Event] = [started(0)]
    for i in range(8):
        working += [chat(10 + 20 * i, SPECIFIC), code(20 + 20 * i, trigger="manual")]
    assert _fired(working) == []


def test_each_indicator_fires_once_and_is_in_the_metrics() -> None:
    events: list[Event] = [started(0)]
    events += [chat(10 * i, "help") for i in range(1, 9)]
    folded = fold(events)
    names = [f.name for f in folded.of(IndicatorFired)]
    assert names == ["asking_for_help", "short_prompts", "ai_thrashing"]
    assert folded.state is not None
    row = metrics_row(folded.state)
    assert row["struggle_indicators"] == names
    assert row["indicator_details"]["ai_thrashing"] == {
        "first_at": "2025-03-01T09:00:50+00:00",
        "event_id": "interview:0:5",
        "detail": "5 AI chats without code progress",
    }


def test_the_platforms_help_seeking_chats_fire_help_and_short_prompts() -> None:
    """The platform's real phrasing, two chats, nothing else: the old worker flagged both."""
    events: list[Event] = [chat(10, "I'm stuck... can you help"), chat(40, "fix it")]
    assert sorted(f.name for f in _fired(events)) == ["asking_for_help", "short_prompts"]


def test_the_platforms_chats_fire_short_prompts_in_any_arrival_order() -> None:
    """Unkeyed jobs reach the agent over several partitions, so a session's chats can
    arrive in any order; the platform's two vague chats among two specific ones must
    fire short_prompts whichever order they come in."""
    texts = ["I'm stuck... can you help", "fix it",
             "Why does merge() drop the last interval when two intervals touch?",
             "Can you explain how sorting by the start makes the sweep linear?"]
    for order in itertools.permutations(texts):
        events: list[Event] = [chat(10 * (i + 1), t) for i, t in enumerate(order)]
        assert "short_prompts" in {f.name for f in _fired(events)}, order


def test_help_seeking_is_not_only_english_keywords() -> None:
    """Context-free prompts in a row with no progress in between seek help in any
    language; the same prompts with progress between them, or specific ones, do not."""
    vague = ["帮帮我", "还是不行", "修好它"]
    fired = _fired([started(0), *[chat(10 * (i + 1), text) for i, text in enumerate(vague)]])
    assert sorted(f.name for f in fired) == ["asking_for_help", "short_prompts"]
    working: list[Event] = [started(0)]
    for i, text in enumerate(vague):
        working += [chat(20 * i + 10, text), code(20 * i + 20)]
    assert [f.name for f in _fired(working)] == ["short_prompts"]
    specific = ["¿Por qué `merge_rows` en io.py lanza KeyError en la línea 12?",
                "Warum gibt `parse_date()` None zurück, wenn das Jahr fehlt?",
                "`tests/test_io.py` の test_blank_rows が失敗します。なぜですか"]
    quiet = [started(0), *[chat(10 * (i + 1), text) for i, text in enumerate(specific)]]
    assert _fired(quiet) == []
