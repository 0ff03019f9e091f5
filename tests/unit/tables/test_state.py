"""State encoding (JSON header + packed posterior), compatibility, metrics and bounds."""

from __future__ import annotations

import json
import struct
from dataclasses import replace

import pytest

from assess.irt import Grid, initial_log_posterior, pack
from streams.events import Event
from tables.reducer import metrics_row
from tables.state import SessionState, decode_state, encode_state
from tests.unit.tables.builders import answer, chat, code, complete, fold, run, started

RESPONSE = "```python\n" + "\n".join(f"value_{i} = compute({i}, 'x')" for i in range(200)) + "\n```"


def _rich() -> SessionState:
    events: list[Event] = [
        started(0, difficulty=7),
        chat(10, "help, I'm stuck", RESPONSE, tools=["read_file"]),
        code(20, {"a.py": "value_1 = compute(1, 'x')\nvalue_2 = compute(2, 'x')\n"}),
        run(30, 2, 3, failing=["test_a", "test_b", "test_c"]),
        answer(40, "q1", correct=True, params={"a": 1.3, "b": 0.2, "c": 0.15}),
        run(50, 1, 1, question="q2"),
        answer(2000, "q2", time_spent=1900),
        complete(2100),
    ]
    state = fold(events).state
    assert state is not None
    return state


def test_round_trip_is_exact_and_byte_stable() -> None:
    state = _rich()
    raw = encode_state(state)
    back = decode_state(raw)
    assert back == state
    assert encode_state(back) == raw
    assert raw.endswith(state.log_posterior) and len(state.log_posterior) == 151 * 8
    assert isinstance(back.runs.latest, tuple) and isinstance(back.usage.code_memory, tuple)


def test_header_is_json_and_posterior_is_raw_float64() -> None:
    raw = encode_state(_rich())
    (length,) = struct.unpack_from("<I", raw)
    header = json.loads(raw[4 : 4 + length])
    assert "log_posterior" not in header and header["session_id"] == "sess-1"
    assert len(raw) == 4 + length + 151 * 8
    assert header["posterior_grid"] == [151, -10.0, 10.0, 0.0, 1.0]


def test_decodes_the_first_version_and_ignores_unknown_keys() -> None:
    old = {
        "session_id": "s",
        "applied": {"interview:0": 4},
        "event_counts": {"x": 1},
        "events_applied": 1,
        "candidate_id": None,
        "question_id": None,
        "started_at": None,
        "completed_at": None,
        "last_event_at": None,
        "from_the_future": 1,
        "usage": {"interactions": 2, "new_counter": 9},
    }
    body = json.dumps(old).encode()
    posterior = pack(initial_log_posterior(Grid()))
    state = decode_state(struct.pack("<I", len(body)) + body + posterior)
    assert state.is_duplicate("interview", 0, 4) and not state.is_duplicate("interview", 0, 5)
    assert state.usage.interactions == 2 and state.log_posterior == posterior


def test_metrics_row_has_the_old_fields_and_the_new_ones() -> None:
    row = metrics_row(_rich())
    assert set(row) == {
        "theta",
        "se",
        "questions_answered",
        "correct",
        "incorrect",
        "ai_interactions",
        "avg_prompt_quality",
        "ai_dependency",
        "struggle_indicators",
        "avg_response_time",
        "test_failure_rate",
        "current_difficulty",
        "recommended_difficulty",
        "estimate_stable",
        "bank_version",
        "indicator_details",
        "ai_code_change_share",
        "test_runs",
        "events_applied",
    }
    # q2 scores 1/2 from its tagged run: partial credit >= 0.5 counts as correct
    assert (row["questions_answered"], row["correct"], row["incorrect"]) == (2, 2, 0)
    assert row["avg_response_time"] == (120.0 + 1900.0) / 2
    assert row["test_failure_rate"] == 4 / 7 and row["test_runs"] == 2
    assert row["struggle_indicators"] == ["stalled_progress"]  # 1950 s without progress
    assert row["events_applied"] == 8 and row["ai_interactions"] == 1
    json.dumps(row)  # storable as-is


def test_metrics_of_a_fresh_session() -> None:
    row = metrics_row(SessionState("s"))
    assert row["theta"] is None and row["avg_prompt_quality"] is None
    assert row["ai_dependency"] == 0.0 and row["struggle_indicators"] == []


def test_state_stays_bounded() -> None:
    events: list[Event] = [started(0)]
    for i in range(1, 400):
        t = 30 * i
        events += [
            chat(t, f"question {i} about `f{i}`", RESPONSE + f"\n```\nextra_{i} = {i} * 2\n```"),
            code(t + 5, {"a.py": f"line_{i} = {i}\n" * 50}, trigger="ai"),
            run(t + 10, i % 7, 3, failing=[f"test_{i}_{k}" for k in range(120)]),
        ]
        if i % 10 == 0:
            events.append(answer(t + 20, f"q{i}", correct=i % 20 == 0))
    sizes = []
    folded = fold(events[:100])
    sizes.append(len(encode_state(folded.state)))  # type: ignore[arg-type]
    folded = fold(events[100:], start=folded)
    sizes.append(len(encode_state(folded.state)))  # type: ignore[arg-type]
    assert sizes[1] < 8_000
    assert sizes[1] - sizes[0] < 200  # only counters grow (digits), not lists


def test_evolve_copies_and_rejects_unknown_fields() -> None:
    state = SessionState("s", applied={"interview:0": 1})
    new = state.evolve(events_applied=5, question_id="q")
    assert (new.events_applied, new.question_id, new.applied) == (5, "q", {"interview:0": 1})
    assert (state.events_applied, state.question_id) == (0, None)
    assert new == replace(state, events_applied=5, question_id="q")
    with pytest.raises(AttributeError):
        state.evolve(no_such_field=1)
