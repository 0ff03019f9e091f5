"""Settings -> :class:`tables.config.ReducerConfig`: the reducer's block of the settings.

Lives here, above ``tables``, so the pure reducer gets its configuration as a plain
value and never imports :class:`~runtime.settings.Settings`.
"""

from __future__ import annotations

from assess.indicators import StruggleThresholds
from assess.irt import Grid
from runtime.settings import Settings
from tables.config import ReducerConfig

__all__ = ["FIXED_FIELDS", "REDUCER_SETTINGS", "STRUGGLE_SETTINGS", "reducer_config"]


def reducer_config(settings: Settings) -> ReducerConfig:
    """Build the reducer's configuration from the worker settings.

    Every name below is a :class:`Settings` field (a test holds that), so each of
    these thresholds is set by its upper-case environment variable.
    """
    grid = Grid(
        points=settings.irt_grid_points,
        min=settings.irt_grid_min,
        max=settings.irt_grid_max,
        prior_mean=settings.irt_prior_mean,
        prior_sd=settings.irt_prior_sd,
    )
    struggle = StruggleThresholds(
        **{name: getattr(settings, setting) for name, setting in STRUGGLE_SETTINGS.items()})
    return ReducerConfig(
        grid=grid,
        struggle=struggle,
        **{name: getattr(settings, setting) for name, setting in REDUCER_SETTINGS.items()},
    )


#: StruggleThresholds field -> Settings field.
STRUGGLE_SETTINGS = {
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
#: ReducerConfig field -> Settings field. The fields not here are the grid and the
#: struggle block above, and FIXED_FIELDS: model constants, not operating choices.
REDUCER_SETTINGS = {
    "difficulty_change_threshold": "difficulty_change_threshold",
    "stable_se_threshold": "stable_se_threshold",
    "default_difficulty": "default_difficulty",
    "ai_code_memory": "ai_code_memory",
    "ai_code_max_lines": "ai_code_max_lines",
    "paste_min_lines": "paste_min_lines",
}
#: ReducerConfig fields kept at their defaults: the item bank's discrimination and
#: guessing used to pick the next level, the 95% band's z, and a memory bound.
FIXED_FIELDS = ("recommend_a", "recommend_c", "band_z", "max_failing_names")
