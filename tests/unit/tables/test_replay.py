"""Replay and redelivery: duplicates are no-ops; the result per session does not depend on
how sessions' partitions are interleaved; replaying the same events gives the same state."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.events import Event
from tables.reducer import Effect, Position, apply
from tables.state import SessionState, decode_state, encode_state
from tests.unit.tables.builders import answer, chat, code, complete, fold, run, started

PROMPTS = ["help", "why does `f` fail with KeyError?", "ok", "I want it sorted, what now"]
CODE = "```\ndef f(x):\n    total = sum(x)\n    return total / len(x)\n```"


@st.composite
def session_events(draw: Any, sid: str) -> list[Event]:
    """A plausible session: start, random activity with increasing times, completion."""
    events: list[Event] = [started(0, draw(st.integers(1, 10)), sid=sid)]
    t = 0
    for i in range(draw(st.integers(0, 14))):
        t += draw(st.integers(1, 900))
        kind = draw(st.sampled_from(["chat", "code", "run", "answer"]))
        if kind == "chat":
            events.append(chat(t, draw(st.sampled_from(PROMPTS)), CODE, sid=sid))
        elif kind == "code":
            body = draw(st.sampled_from(["x = 1\n", CODE.strip("`\n")]))
            trigger = draw(st.sampled_from(["manual", "ai", "test"]))
            events.append(code(t, {"f.py": body}, trigger, sid=sid))
        elif kind == "run":
            passed, failed = draw(st.integers(0, 6)), draw(st.integers(0, 4))
            events.append(run(t, passed, failed, sid=sid))
        else:
            correct = draw(st.sampled_from([True, False, None]))
            events.append(answer(t, f"q{i}", correct, time_spent=float(t), sid=sid))
    events.append(complete(t + 1, sid=sid))
    return events


def _run_in_order(
    order: list[int], sessions: list[list[Event]], redeliver: list[bool]
) -> dict[str, tuple[SessionState, list[Effect]]]:
    """Process partitions (one per session) in ``order``; optionally redeliver each event."""
    cursor = [0] * len(sessions)
    out: dict[str, tuple[SessionState | None, list[Effect]]] = {}
    for step, p in enumerate(order):
        event = sessions[p][cursor[p]]
        position = Position("interview", p, cursor[p])
        cursor[p] += 1
        sid = event.data.session_id
        state, effects = out.get(sid, (None, []))
        for _ in range(2 if redeliver[step % len(redeliver)] else 1):
            outcome = apply(state, event, position)
            state = outcome.state
            effects = effects + list(outcome.effects)
        out[sid] = (state, effects)
    return {sid: (s, e) for sid, (s, e) in out.items() if s is not None}


@settings(max_examples=40, deadline=None)
@given(
    sessions=st.tuples(*(session_events(f"s{i}") for i in range(3))).map(list),
    data=st.data(),
)
def test_interleaving_and_redelivery_do_not_change_results(
    sessions: list[list[Event]], data: st.DataObject
) -> None:
    slots = [p for p, events in enumerate(sessions) for _ in events]
    order = data.draw(st.permutations(slots))
    redeliver = data.draw(st.lists(st.booleans(), min_size=1, max_size=8))
    alone = _run_in_order(sorted(slots), sessions, [False])
    mixed = _run_in_order(order, sessions, redeliver)
    assert mixed.keys() == alone.keys()
    for sid, (state, effects) in alone.items():
        assert mixed[sid][0] == state
        assert encode_state(mixed[sid][0]) == encode_state(state)
        assert mixed[sid][1] == effects


@settings(max_examples=25, deadline=None)
@given(events=session_events("s0"))
def test_state_round_trips_after_any_session(events: list[Event]) -> None:
    state = fold(events).state
    assert state is not None
    assert decode_state(encode_state(state)) == state
    # folding from the decoded state at each step gives the same end state
    decoded: SessionState | None = None
    for offset, event in enumerate(events):
        raw = apply(decoded, event, Position("interview", 0, offset)).state
        decoded = decode_state(encode_state(raw))
    assert decoded == state


def test_replaying_the_same_events_gives_the_same_state() -> None:
    events: list[Event] = [
        started(0, 4),
        chat(10, "help", CODE),
        code(20, {"f.py": CODE}),
        run(30, 2, 2),
        answer(40, "q1", correct=True),
        complete(50),
    ]
    first, second = fold(events), fold(events)
    assert first.state == second.state and first.effects == second.effects
    assert encode_state(first.state) == encode_state(second.state)  # type: ignore[arg-type]


def test_duplicates_change_nothing() -> None:
    folded = fold([started(0), chat(10), answer(20, "q1", correct=True)])
    state = folded.state
    assert state is not None
    for offset in (0, 1, 2):  # at or below the last applied offset
        outcome = apply(state, complete(30), Position("interview", 0, offset))
        assert outcome.duplicate and outcome.state is state and outcome.effects == ()
    fresh = apply(state, complete(30), Position("interview", 0, 3))
    assert not fresh.duplicate and fresh.state.events_applied == 4
    other = apply(state, complete(30), Position("interview", 1, 0))  # another partition
    assert not other.duplicate
