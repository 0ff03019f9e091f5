"""Item response theory for adaptive interviews: pure numpy, no I/O.

Ability ``theta`` is on the logit scale. Typical streaming use::

    grid = Grid()
    state = initial_log_posterior(grid)
    state = update(state, grid, ItemParams(a=1.0, b=0.3), score=1.0)
    est = eap(state, grid)                     # Estimate(theta, se)
    next_label = recommend_difficulty(est.theta)
    blob = pack(state)                         # store; unpack(blob, grid) to resume
"""

from assess.irt.batch import InvalidPayload, estimate, estimate_from_json
from assess.irt.grid import METHODS, Estimate, Grid, InvalidGrid
from assess.irt.information import (
    confidence_band,
    item_information,
    most_informative_b,
    recommend_difficulty,
    total_information,
)
from assess.irt.mle import map_from_responses, mle_estimate
from assess.irt.model import (
    InvalidInput,
    InvalidItemParams,
    InvalidResponse,
    ItemParams,
    Response,
    default_item_for_difficulty,
    difficulty_for_b,
    prob_correct,
)
from assess.irt.posterior import (
    InvalidState,
    eap,
    edge_mass,
    initial_log_posterior,
    log_likelihood,
    log_posterior_from,
    map_estimate,
    pack,
    posterior,
    unpack,
    update,
)
from assess.irt.regrid import resample, unpack_onto

__all__ = [
    "METHODS",
    "Estimate",
    "Grid",
    "InvalidGrid",
    "InvalidInput",
    "InvalidItemParams",
    "InvalidPayload",
    "InvalidResponse",
    "InvalidState",
    "ItemParams",
    "Response",
    "confidence_band",
    "default_item_for_difficulty",
    "difficulty_for_b",
    "eap",
    "edge_mass",
    "estimate",
    "estimate_from_json",
    "initial_log_posterior",
    "item_information",
    "log_likelihood",
    "log_posterior_from",
    "map_estimate",
    "map_from_responses",
    "mle_estimate",
    "most_informative_b",
    "pack",
    "posterior",
    "prob_correct",
    "recommend_difficulty",
    "resample",
    "total_information",
    "unpack",
    "unpack_onto",
    "update",
]
