"""Batch estimation from a full response list, and the JSON contract used by the CLI.

JSON input::

    {"responses": [{"a": 1.2, "b": 0.3, "c": 0.0, "score": 1}, ...],
     "method": "eap" | "map" | "mle",                       # optional, default "eap"
     "grid": {"points": 151, "min": -10, "max": 10,         # optional, these defaults
              "prior_mean": 0, "prior_sd": 1}}

Per response ``b`` and ``score`` are required; ``a`` defaults to 1 and ``c`` to 0.
Output: ``{"theta", "se", "method", "n", "at_bound"}`` with theta and se in logits.
Unknown keys are rejected so that a misspelt field is not silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assess.irt.grid import METHODS, Estimate, Grid
from assess.irt.mle import map_from_responses, mle_estimate
from assess.irt.model import InvalidInput, ItemParams, Response
from assess.irt.posterior import eap, log_posterior_from

__all__ = ["InvalidPayload", "estimate", "estimate_from_json"]

_TOP_KEYS = frozenset({"responses", "method", "grid"})
_RESPONSE_KEYS = frozenset({"a", "b", "c", "score"})
_GRID_KEYS = frozenset({"points", "min", "max", "prior_mean", "prior_sd"})
MAX_RESPONSES = 10_000


class InvalidPayload(InvalidInput):
    """The JSON payload does not follow the estimation contract."""


def estimate(
    responses: Sequence[Response], method: str = "eap", grid: Grid | None = None
) -> Estimate:
    """Ability estimate (logits) from all ``responses`` at once.

    eap: posterior mean/SD on the grid; map: continuous posterior mode with SE from
    information plus prior precision; mle: likelihood maximum without prior (needs at
    least one response; ``at_bound`` set when it runs into the grid range).
    """
    grid = grid or Grid()
    if method == "eap":
        return eap(log_posterior_from(responses, grid), grid, n=len(responses))
    if method == "map":
        return map_from_responses(responses, grid)
    if method == "mle":
        return mle_estimate(responses, grid)
    raise InvalidInput(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def _check_keys(where: str, obj: object, allowed: frozenset[str]) -> Mapping[str, Any]:
    """Require a JSON object whose keys are all in ``allowed``."""
    if not isinstance(obj, Mapping):
        raise InvalidPayload(f"{where} must be a JSON object, got {type(obj).__name__}")
    unknown = sorted(str(key) for key in obj if key not in allowed)
    if unknown:
        raise InvalidPayload(f"{where} has unknown keys {unknown}; allowed: {sorted(allowed)}")
    return obj


def _parse_response(index: int, raw: object) -> Response:
    """One element of ``responses``; errors name the index and field."""
    where = f"responses[{index}]"
    obj = _check_keys(where, raw, _RESPONSE_KEYS)
    for required in ("b", "score"):
        if required not in obj:
            raise InvalidPayload(f"{where} is missing required field {required!r}")
    try:
        item = ItemParams(a=obj.get("a", 1.0), b=obj["b"], c=obj.get("c", 0.0))
        return Response(item=item, score=obj["score"])
    except InvalidInput as exc:
        raise InvalidPayload(f"{where}: {exc}") from exc


def _parse_grid(raw: object) -> Grid:
    """The optional ``grid`` object; missing fields take the Grid defaults."""
    obj = _check_keys("grid", raw, _GRID_KEYS)
    try:
        return Grid(**{str(key): value for key, value in obj.items()})
    except InvalidInput as exc:
        raise InvalidPayload(str(exc)) from exc


def _parse_responses(raw: object) -> list[Response]:
    """The ``responses`` list, bounded in length."""
    if not isinstance(raw, list):
        raise InvalidPayload(f"responses must be a JSON array, got {type(raw).__name__}")
    if len(raw) > MAX_RESPONSES:
        raise InvalidPayload(f"responses has {len(raw)} entries; at most {MAX_RESPONSES}")
    return [_parse_response(i, item) for i, item in enumerate(raw)]


def estimate_from_json(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate a decoded JSON payload, estimate, and return the JSON-ready result."""
    obj = _check_keys("payload", payload, _TOP_KEYS)
    if "responses" not in obj:
        raise InvalidPayload("payload is missing required field 'responses'")
    responses = _parse_responses(obj["responses"])
    method = obj.get("method", "eap")
    if method not in METHODS:
        raise InvalidPayload(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    grid = _parse_grid(obj["grid"]) if "grid" in obj else Grid()
    try:
        result = estimate(responses, method=method, grid=grid)
    except InvalidInput as exc:
        raise InvalidPayload(str(exc)) from exc
    return {
        "theta": result.theta,
        "se": result.se,
        "method": result.method,
        "n": result.n,
        "at_bound": result.at_bound,
    }
