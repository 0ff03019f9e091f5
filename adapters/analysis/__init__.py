"""Static-analysis adapter: runs ruff on a temporary copy of the final code.

It produces the domain's :class:`assess.evaluation.StaticReport`; the domain never
imports this package. Candidate code is parsed by ruff, never executed.
"""

from adapters.analysis.ruff import DEFAULT_TIMEOUT_SECONDS, ruff_command, run_static_analysis
from adapters.analysis.workspace import safe_relative_path

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "ruff_command", "run_static_analysis", "safe_relative_path"]
