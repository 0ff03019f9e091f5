"""The reducer's configuration: one frozen, plain value handed to the reducer.

The reducer never reads the environment or ``Settings``: the worker builds this value
once (:func:`runtime.reducer_config.reducer_config` maps the settings onto it) and tests
build it directly (``ReducerConfig()`` gives the production defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assess.indicators import StruggleThresholds
from assess.irt import Grid

__all__ = ["ReducerConfig"]


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
