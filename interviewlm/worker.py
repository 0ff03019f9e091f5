"""The Faust worker with a bounded graceful shutdown.

On SIGTERM or SIGINT, Faust stops taking new events, lets the agents finish
the batch in flight (it is acknowledged only when processed), commits, and
closes its connections. If that takes longer than ``SHUTDOWN_TIMEOUT_SECONDS``
the process exits with status 70 instead of hanging: Kubernetes would kill it
anyway, and at-least-once delivery plus idempotent writes make that safe.

Once tables are recovered and the web server listens, it logs one
``worker_started`` line with the port and the admin board's URL.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import faust

from runtime.logs import get_logger

__all__ = ["EXIT_SHUTDOWN_TIMEOUT", "BoundedWorker", "started_fields"]

EXIT_SHUTDOWN_TIMEOUT = 70


class BoundedWorker(faust.Worker):  # type: ignore[misc]
    """A Faust worker whose shutdown is bounded by ``shutdown_timeout`` seconds."""

    def __init__(self, app: faust.App, *, shutdown_timeout: float,
                 started: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.shutdown_timeout = shutdown_timeout
        self.started_line = started or {}
        self._watchdog: threading.Timer | None = None

    async def on_startup_finished(self) -> None:
        await super().on_startup_finished()
        get_logger("worker").info("worker_started", None, **self.started_line)

    def _schedule_shutdown(self, signum: signal.Signals) -> None:
        if self._watchdog is None:
            self._watchdog = threading.Timer(self.shutdown_timeout, _force_exit)
            self._watchdog.daemon = True
            self._watchdog.start()
        super()._schedule_shutdown(signum)


def started_fields(*, host: str, port: int, agents: list[str], group: str,
                   topic_prefix: str) -> dict[str, Any]:
    """The ``worker_started`` line's fields: where to find the board and metrics."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # a URL one can open
    base = f"http://{shown}:{port}"
    return {"web_port": port, "board_url": f"{base}/admin/queues",
            "metrics_url": f"{base}/metrics", "agents": agents, "group": group,
            "topic_prefix": topic_prefix}


def _force_exit() -> None:
    os._exit(EXIT_SHUTDOWN_TIMEOUT)
