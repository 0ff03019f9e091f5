"""The Faust worker with a bounded graceful shutdown.

On SIGTERM or SIGINT, Faust stops taking new events, lets the agents finish
the batch in flight (it is acknowledged only when processed), commits, and
closes its connections. If that takes longer than ``SHUTDOWN_TIMEOUT_SECONDS``
the process exits with status 70 instead of hanging: Kubernetes would kill it
anyway, and at-least-once delivery plus idempotent writes make that safe.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import faust

__all__ = ["EXIT_SHUTDOWN_TIMEOUT", "BoundedWorker"]

EXIT_SHUTDOWN_TIMEOUT = 70


class BoundedWorker(faust.Worker):  # type: ignore[misc]
    """A Faust worker whose shutdown is bounded by ``shutdown_timeout`` seconds."""

    def __init__(self, app: faust.App, *, shutdown_timeout: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.shutdown_timeout = shutdown_timeout
        self._watchdog: threading.Timer | None = None

    def _schedule_shutdown(self, signum: signal.Signals) -> None:
        if self._watchdog is None:
            self._watchdog = threading.Timer(self.shutdown_timeout, _force_exit)
            self._watchdog.daemon = True
            self._watchdog.start()
        super()._schedule_shutdown(signum)


def _force_exit() -> None:
    os._exit(EXIT_SHUTDOWN_TIMEOUT)
