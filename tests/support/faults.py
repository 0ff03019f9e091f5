"""A fault switch for whole-worker tests: an agent that crashes on every batch.

``install(directory)`` makes the interview processor raise on each batch while the
file ``<directory>/crash`` exists, standing in for a bug that crashes the agent
(PostgreSQL, Kafka and the rest of the worker stay real). Removing the file is the
fix being deployed. Used from a :class:`tests.support.worker.WorkerProcess` launcher
(:data:`LAUNCHER`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["LAUNCHER", "install"]

#: ``WorkerProcess(launcher=LAUNCHER)``: the CLI with the switch installed first
#: (``FAULT_DIR`` in the worker's environment names the directory).
LAUNCHER = ("import os, sys\n"
            "from tests.support.faults import install\n"
            "install(os.environ['FAULT_DIR'])\n"
            "from interviewlm.cli import main\n"
            "raise SystemExit(main(sys.argv[1:]))\n")


class InjectedCrash(RuntimeError):
    """The stand-in bug."""


def install(directory: str) -> None:
    from agents.interview import InterviewProcessor

    switch = Path(directory) / "crash"
    original = InterviewProcessor.process_batch

    async def process_batch(self: Any, messages: Any) -> Any:
        if switch.exists():
            raise InjectedCrash(f"injected crash on a batch of {len(messages)}")
        return await original(self, messages)

    InterviewProcessor.process_batch = process_batch  # type: ignore[method-assign]
