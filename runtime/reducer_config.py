"""Settings -> :class:`tables.config.ReducerConfig`: the reducer's block of the settings.

Lives here, above ``tables``, so the pure reducer gets its configuration as a plain
value and never imports :class:`~runtime.settings.Settings`.
"""

from __future__ import annotations

from assess.indicators import StruggleThresholds
from assess.irt import Grid
from runtime.settings import Settings
from tables.config import ReducerConfig

__all__ = ["reducer_config"]


def reducer_config(settings: Settings) -> ReducerConfig:
    """Build the reducer's configuration from the worker settings.

    Settings without a counterpart here keep the config's defaults; a setting named
    in ``_OPTIONAL`` is used when the Settings object defines it.
    """
    grid = Grid(
        points=settings.irt_grid_points,
        min=settings.irt_grid_min,
        max=settings.irt_grid_max,
        prior_mean=settings.irt_prior_mean,
        prior_sd=settings.irt_prior_sd,
    )
    defaults = StruggleThresholds()
    struggle = StruggleThresholds(
        **{
            name: getattr(settings, setting, getattr(defaults, name))
            for name, setting in _STRUGGLE_SETTINGS.items()
        }
    )
    extra = {name: getattr(settings, name) for name in _OPTIONAL if hasattr(settings, name)}
    return ReducerConfig(
        grid=grid,
        difficulty_change_threshold=settings.difficulty_change_threshold,
        stable_se_threshold=settings.stable_se_threshold,
        struggle=struggle,
        **extra,
    )


#: StruggleThresholds field -> Settings attribute (existing or proposed).
_STRUGGLE_SETTINGS = {
    "stalled_after_seconds": "stalled_after_seconds",
    "repeated_failure_runs": "repeated_failure_runs",
    "help_requests": "help_requests_to_flag",
    "short_prompt_words": "short_prompt_words",
    "short_prompts_min": "short_prompts_min",
    "short_prompt_share": "short_prompt_share",
    "high_failure_rate": "high_test_failure_rate",
    "high_failure_min_runs": "high_test_failure_min_runs",
    "slow_response_seconds": "slow_response_seconds",
    "ai_thrashing_chats": "ai_thrashing_chats",
}
#: ReducerConfig fields read from Settings under the same name when Settings has them.
_OPTIONAL = (
    "default_difficulty",
    "ai_code_memory",
    "ai_code_max_lines",
    "paste_min_lines",
)
