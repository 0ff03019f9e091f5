"""ReducerConfig is built from Settings; the defaults match production settings."""

from __future__ import annotations

import dataclasses

import pytest

from assess.irt import Grid
from runtime.reducer_config import reducer_config
from runtime.settings import Settings
from tables.config import ReducerConfig


def test_settings_map_onto_the_config() -> None:
    settings = Settings(
        irt_grid_points=41,
        irt_grid_min=-3.0,
        irt_grid_max=3.0,
        irt_prior_mean=0.5,
        irt_prior_sd=1.2,
        difficulty_change_threshold=3,
        stable_se_threshold=0.25,
        stalled_after_seconds=120.0,
        repeated_failure_runs=4,
    )
    config = reducer_config(settings)
    assert config.grid == Grid(41, -3.0, 3.0, 0.5, 1.2)
    assert (config.difficulty_change_threshold, config.stable_se_threshold) == (3, 0.25)
    assert config.struggle.stalled_after_seconds == 120.0
    assert config.struggle.repeated_failure_runs == 4


def test_defaults_agree_with_default_settings() -> None:
    assert reducer_config(Settings()) == ReducerConfig()


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ReducerConfig().band_z = 3.0  # type: ignore[misc]
