"""The reducer's configuration: one frozen value, built once from :class:`Settings`.

Kept apart from ``Settings`` so the pure reducer never reads the environment and tests
can build a config directly (``ReducerConfig()`` gives the production defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assess.indicators import StruggleThresholds
from assess.irt import Grid

if TYPE_CHECKING:
    from runtime.settings import Settings

__all__ = ["ReducerConfig", "reducer_config"]


@dataclass(frozen=True, slots=True)
class ReducerConfig:
    """Everything :func:`tables.reducer.apply` needs besides the event.

    grid: quadrature grid and N(mean, sd^2) prior over theta (logits).
    difficulty_change_threshold: publish adjust-difficulty when the recommended level
        differs from the current one by at least this many levels (1-10 scale).
    stable_se_threshold: the estimate is stable once its SE (logits) drops below this.
    default_difficulty: current level assumed when no session-started was seen.
    recommend_a, recommend_c: discrimination and guessing of the bank's items, used to
        find the most informative level at theta.
    band_z: half-width of the published confidence band in SEs (1.96: ~95%).
    struggle: struggle-indicator thresholds (seconds, counts, rates).
    ai_code_memory: how many recent AI responses' code lines are remembered.
    ai_code_max_lines: at most this many line hashes are kept per response.
    paste_min_lines: consecutive identical non-trivial lines that count as a paste.
    max_failing_names: failing-test names kept for the repeated-failure rule.
    """

    grid: Grid = field(default_factory=Grid)
    difficulty_change_threshold: int = 2
    stable_se_threshold: float = 0.3
    default_difficulty: int = 5
    recommend_a: float = 1.0
    recommend_c: float = 0.0
    band_z: float = 1.96
    struggle: StruggleThresholds = field(default_factory=StruggleThresholds)
    ai_code_memory: int = 5
    ai_code_max_lines: int = 64
    paste_min_lines: int = 3
    max_failing_names: int = 50


def reducer_config(settings: Settings) -> ReducerConfig:
    """Build the reducer's configuration from the worker settings.

    Settings without a counterpart here keep this module's defaults; a setting named
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
