"""The reducer on the wide grid: edge mass blocks 'stable', and old states migrate."""

from __future__ import annotations

import json
import struct

import pytest

from assess.irt import Grid, ItemParams, Response, eap, log_posterior_from
from streams.events import Event
from tables.config import ReducerConfig
from tables.reducer import EstimateStable
from tables.state import SessionState, decode_state, encode_state
from tests.unit.tables.builders import answer, fold, started

LEGACY = ReducerConfig(grid=Grid(points=61, min=-4.0, max=4.0))
PARAMS = [{"a": 1.3, "b": 0.2, "c": 0.0}, {"a": 0.9, "b": -0.6, "c": 0.1},
          {"a": 1.6, "b": 0.9, "c": 0.0}]


def _strip_grid(state: SessionState) -> SessionState:
    """The state as a worker that did not record grids would have written it."""
    raw = encode_state(state)
    (length,) = struct.unpack_from("<I", raw)
    header = json.loads(raw[4 : 4 + length])
    del header["posterior_grid"]
    body = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    return decode_state(struct.pack("<I", len(body)) + body + raw[4 + length :])


def test_no_stable_estimate_while_the_posterior_touches_the_edge() -> None:
    config = ReducerConfig(stable_se_threshold=0.9)
    far = {"a": 1.0, "b": 12.0, "c": 0.0}  # far beyond the bank: pushes mass to +10
    events: list[Event] = [started(0)]
    events += [answer(10 * i, f"q{i}", correct=True, params=far) for i in range(1, 41)]
    folded = fold(events, config)
    assert folded.state is not None and folded.state.at_bound
    assert folded.state.se is not None and folded.state.se < 0.9
    assert folded.of(EstimateStable) == [] and not folded.state.estimate_stable
    # the same threshold is reached, and announced, by answers inside the bank's range
    near = [answer(10 * i, f"q{i}", correct=i % 2 == 0, params=PARAMS[0]) for i in range(1, 4)]
    assert fold([started(0), *near], config).of(EstimateStable)


def test_a_legacy_state_migrates_onto_the_wide_grid_and_records_it() -> None:
    first = [answer(10 * (i + 1), f"q{i}", correct=i != 1, params=p)
             for i, p in enumerate(PARAMS[:2])]
    old = fold([started(0), *first], LEGACY)
    assert old.state is not None and len(old.state.log_posterior) == 61 * 8
    legacy = _strip_grid(old.state)
    assert legacy.posterior_grid is None
    resumed = fold([answer(40, "q2", correct=True, params=PARAMS[2])], start=type(old)(legacy))
    state = resumed.state
    assert state is not None and state.posterior_grid == Grid().spec
    assert len(state.log_posterior) == Grid().points * 8
    scores = [1.0, 0.0, 1.0]
    direct = eap(log_posterior_from(
        [Response(ItemParams(**p), s) for p, s in zip(PARAMS, scores, strict=True)], Grid()),
        Grid())
    assert state.theta == pytest.approx(direct.theta, abs=1e-6)
    assert state.se == pytest.approx(direct.se, abs=1e-6)


def test_a_state_recorded_on_another_grid_is_moved_not_rejected() -> None:
    narrow = ReducerConfig(grid=Grid(points=41, min=-3.0, max=3.0))
    old = fold([started(0), answer(10, "q0", correct=True, params=PARAMS[0])], narrow)
    assert old.state is not None and old.state.posterior_grid == narrow.grid.spec
    resumed = fold([answer(20, "q1", correct=False, params=PARAMS[1])], start=old)
    assert resumed.state is not None and resumed.state.posterior_grid == Grid().spec
