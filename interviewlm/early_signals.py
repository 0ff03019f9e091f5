"""A SIGTERM before Faust's own signal handlers are in place exits 0 at once.

Until the Faust worker is built, Python's default action for SIGTERM kills the
process (exit -15) in the middle of imports or the pre-flight checks. Nothing has
been consumed yet, so there is nothing to finish or lose: the handler installed
here raises ``SystemExit(0)`` instead. Faust's worker replaces it with its own
graceful shutdown when it is constructed (``mode.Worker.install_signal_handlers``).
Only stdlib imports here: it runs before the rest of the CLI is imported.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from types import FrameType

__all__ = ["exit_zero_on_sigterm_until_started"]


def _exit_zero(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def exit_zero_on_sigterm_until_started(argv: Sequence[str] = sys.argv) -> None:
    """For ``interviewlm worker``: SIGTERM exits 0 until Faust takes signals over."""
    if len(argv) > 1 and argv[1] == "worker":
        signal.signal(signal.SIGTERM, _exit_zero)
