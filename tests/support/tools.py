"""External tools some tests need (helm, promtool, Chromium, Prometheus, redis, Node
packages): skipped when missing on a developer's partial setup, failed when the run
promised to have them (``bash scripts/test.sh`` installs them and sets
INTERVIEWLM_REQUIRE_TOOLS=1; CI=true means the same)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["missing_tool", "tools_required"]


def tools_required() -> bool:
    return (os.environ.get("INTERVIEWLM_REQUIRE_TOOLS") == "1"
            or os.environ.get("CI", "").lower() == "true")


def missing_tool(what: str, install: str) -> NoReturn:
    """Fail (tools promised) or skip, naming the script that installs ``what``."""
    message = f"{what} is missing: run `bash {install}` (bash scripts/test.sh runs it)"
    if tools_required():
        pytest.fail(message)
    pytest.skip(message, allow_module_level=True)
