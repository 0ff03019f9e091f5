"""Batch estimate() and the JSON contract used by the CLI."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from assess.irt import (
    Grid,
    InvalidInput,
    InvalidPayload,
    ItemParams,
    Response,
    estimate,
    estimate_from_json,
    mle_estimate,
)

PAYLOAD: dict[str, Any] = {
    "responses": [
        {"a": 1.2, "b": 0.3, "c": 0.0, "score": 1},
        {"a": 0.9, "b": -0.4, "c": 0.2, "score": 0},
        {"b": 1.1, "score": 0.5},
    ]
}
RESPONSES = [
    Response(ItemParams(1.2, 0.3, 0.0), 1.0),
    Response(ItemParams(0.9, -0.4, 0.2), 0.0),
    Response(ItemParams(1.0, 1.1, 0.0), 0.5),
]


@pytest.mark.parametrize("method", ["eap", "map", "mle"])
def test_json_result_matches_the_python_api(method: str) -> None:
    out = estimate_from_json({**PAYLOAD, "method": method})
    expected = estimate(RESPONSES, method=method)
    assert out == {
        "theta": expected.theta,
        "se": expected.se,
        "method": method,
        "n": 3,
        "at_bound": False,
    }
    assert json.loads(json.dumps(out)) == out


def test_json_defaults_to_eap_on_the_default_grid() -> None:
    out = estimate_from_json(PAYLOAD)
    assert out["method"] == "eap"
    assert out["theta"] == estimate(RESPONSES, "eap", Grid()).theta
    assert -1.0 < out["theta"] < 1.0 and 0.3 < out["se"] < 1.0


def test_json_grid_is_honoured() -> None:
    narrow = estimate_from_json(
        {"responses": [{"b": 0.0, "score": 1}] * 30, "grid": {"points": 21, "min": -1, "max": 1}}
    )
    assert narrow["theta"] <= 1.0
    wide = estimate_from_json({"responses": [{"b": 0.0, "score": 1}] * 30})
    assert wide["theta"] > 1.5


def test_json_mle_reports_the_bound() -> None:
    out = estimate_from_json({"responses": [{"b": 0.0, "score": 1}] * 3, "method": "mle"})
    assert out["at_bound"] is True and out["theta"] == 10.0


def test_eap_without_responses_returns_the_prior() -> None:
    out = estimate_from_json({"responses": []})
    assert out["n"] == 0 and out["theta"] == pytest.approx(0.0, abs=1e-12)
    assert out["se"] == pytest.approx(1.0, abs=2e-3)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "payload must be a JSON object"),
        ({}, "missing required field 'responses'"),
        ({"responses": {}}, "responses must be a JSON array"),
        ({"responses": [], "methd": "eap"}, "unknown keys \\['methd'\\]"),
        ({"responses": [], "method": "median"}, "method must be one of eap, map, mle"),
        ({"responses": [5]}, "responses\\[0\\] must be a JSON object"),
        ({"responses": [{"score": 1}]}, "responses\\[0\\] is missing required field 'b'"),
        ({"responses": [{"b": 0}]}, "missing required field 'score'"),
        ({"responses": [{"b": 0, "score": 2}]}, "responses\\[0\\]: score must be in \\[0, 1\\]"),
        ({"responses": [{"b": 0, "score": 1, "a": 0}]}, "responses\\[0\\]: a \\(discrimination\\)"),
        ({"responses": [{"b": 0, "score": 1, "c": 1}]}, "responses\\[0\\]: c \\(guessing\\)"),
        ({"responses": [{"b": "x", "score": 1}]}, "b must be a number, got str"),
        ({"responses": [{"b": 0, "score": None}]}, "score must be a number"),
        ({"responses": [{"b": 0, "score": 1, "d": 3}]}, "unknown keys \\['d'\\]"),
        ({"responses": [], "grid": {"points": 1}}, "grid points must be in 3"),
        ({"responses": [], "grid": {"min": 2, "max": 1}}, "grid min must be < max"),
        ({"responses": [], "grid": {"points": 61.0}}, "grid points must be an int"),
        ({"responses": [], "grid": {"prior_sd": 0}}, "prior_sd must be > 0"),
        ({"responses": [], "grid": {"step": 1}}, "grid has unknown keys"),
        ({"responses": [], "method": "mle"}, "MLE needs at least one response"),
    ],
)
def test_invalid_payloads_raise_value_errors_with_clear_messages(
    payload: Any, message: str
) -> None:
    with pytest.raises(InvalidPayload, match=message) as info:
        estimate_from_json(payload)
    assert isinstance(info.value, ValueError)


def test_estimate_rejects_unknown_method() -> None:
    with pytest.raises(InvalidInput, match="method"):
        estimate(RESPONSES, method="median")


def test_estimate_counts_responses_for_every_method() -> None:
    for method in ("eap", "map", "mle"):
        est = estimate(RESPONSES, method=method)
        assert est.n == 3 and est.method == method
        assert math.isfinite(est.theta) and est.se > 0


def test_mle_via_estimate_matches_direct_call() -> None:
    assert estimate(RESPONSES, "mle") == mle_estimate(RESPONSES)
