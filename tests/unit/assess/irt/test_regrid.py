"""Moving stored posteriors between grids: exact on shared nodes, an upper bound outside."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.irt import (
    Grid,
    InvalidState,
    ItemParams,
    Response,
    eap,
    log_posterior_from,
    pack,
    resample,
    unpack_onto,
)
from assess.irt.regrid import legacy_grid

NEW = Grid()
OLD = legacy_grid(NEW)

two_pl = st.builds(ItemParams, a=st.floats(0.3, 2.5), b=st.floats(-3.0, 3.0))
lists = st.lists(st.builds(Response, item=two_pl, score=st.sampled_from([0.0, 1.0])),
                 max_size=30)


@given(lists)
def test_legacy_posterior_is_exact_on_shared_nodes_and_an_upper_bound_beyond(
    rs: list[Response],
) -> None:
    moved = resample(log_posterior_from(rs, OLD), OLD, NEW)
    exact = log_posterior_from(rs, NEW)
    inside = (NEW.thetas >= OLD.min - 1e-9) & (NEW.thetas <= OLD.max + 1e-9)
    assert inside.sum() == OLD.points  # the old nodes are a subset of the new ones
    np.testing.assert_allclose(moved[inside], exact[inside], rtol=0, atol=1e-9)
    assert np.all(moved[~inside] >= exact[~inside] - 1e-9)  # concave 2PL: chord above


def test_a_clipped_legacy_state_widens_towards_the_truth() -> None:
    rs = [Response(ItemParams(1.0, 3.0), 1.0)] * 20
    old = eap(log_posterior_from(rs, OLD), OLD)
    moved = eap(resample(log_posterior_from(rs, OLD), OLD, NEW), NEW)
    exact = eap(log_posterior_from(rs, NEW), NEW)
    assert old.theta < exact.theta <= moved.theta + 1e-9
    assert old.se < exact.se <= moved.se + 1e-9


def test_unpack_onto_reads_legacy_bytes_recorded_and_current_grids() -> None:
    rs = [Response(ItemParams(1.2, 0.4), 1.0), Response(ItemParams(0.8, -0.3), 0.0)]
    legacy_bytes = pack(log_posterior_from(rs, OLD))
    current = log_posterior_from(rs, NEW)
    np.testing.assert_array_equal(unpack_onto(pack(current), None, NEW), current)
    np.testing.assert_array_equal(unpack_onto(pack(current), NEW, NEW), current)
    migrated = eap(unpack_onto(legacy_bytes, None, NEW), NEW)
    assert migrated.theta == pytest.approx(eap(current, NEW).theta, abs=1e-6)
    assert migrated.se == pytest.approx(eap(current, NEW).se, abs=1e-6)
    other = Grid(points=41, min=-3.0, max=3.0)
    moved = unpack_onto(pack(log_posterior_from(rs, other)), other, NEW)
    assert eap(moved, NEW).theta == pytest.approx(eap(current, NEW).theta, abs=1e-2)


def test_resample_rejects_a_posterior_of_the_wrong_length() -> None:
    with pytest.raises(InvalidState, match="source grid"):
        resample(np.zeros(5), OLD, NEW)
    with pytest.raises(InvalidState, match="bytes"):
        unpack_onto(b"\x00" * 16, OLD, NEW)
