"""ReducerConfig is built from Settings; the defaults match production settings."""

from __future__ import annotations

import dataclasses

import pytest

from assess.indicators import StruggleThresholds
from assess.irt import Grid
from runtime.reducer_config import (
    FIXED_FIELDS,
    REDUCER_SETTINGS,
    STRUGGLE_SETTINGS,
    reducer_config,
)
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


def test_every_mapped_name_is_a_settings_field() -> None:
    fields = set(Settings.model_fields)
    mapped = {*STRUGGLE_SETTINGS.values(), *REDUCER_SETTINGS.values()}
    assert mapped - fields == set()


def test_every_threshold_is_mapped_or_named_fixed() -> None:
    struggle = {f.name for f in dataclasses.fields(StruggleThresholds)}
    assert set(STRUGGLE_SETTINGS) == struggle
    config = {f.name for f in dataclasses.fields(ReducerConfig)}
    assert config == {"grid", "struggle", *REDUCER_SETTINGS, *FIXED_FIELDS}


def _changed(value: object) -> object:
    """A valid value other than the default (shares and rates stay within (0, 1])."""
    if isinstance(value, float) and value < 1:
        return value / 2
    return value + 1 if isinstance(value, int) else value * 2  # type: ignore[operator]


@pytest.mark.parametrize("target, setting", [
    *[("struggle." + k, v) for k, v in STRUGGLE_SETTINGS.items()],
    *REDUCER_SETTINGS.items()])
def test_each_threshold_is_set_by_its_environment_variable(
        target: str, setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    default = getattr(Settings(), setting)
    monkeypatch.setenv(setting.upper(), str(_changed(default)))
    config = reducer_config(Settings())
    value = config
    for part in target.split("."):
        value = getattr(value, part)
    assert value == _changed(default) != default
