"""The domain stays pure: importing it pulls in no stream, database or LLM library."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("faust", "aiokafka", "asyncpg", "anthropic", "streams", "interviewlm")


def test_domain_imports_no_infrastructure() -> None:
    code = (
        "import sys\n"
        "import assess.evaluation, assess.privacy, assess.fairness\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(sorted(bad)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == ""
