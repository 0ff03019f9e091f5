"""HTTP endpoints on the Faust web server: metrics, readiness and liveness.

``/live`` and ``/ready`` answer from :class:`interviewlm.health.WorkerHealth`:
liveness fails when an agent keeps crashing, readiness while tables recover or
an assigned partition with lag stops moving.
"""

from __future__ import annotations

from typing import Any

import faust
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from interviewlm.health import install_health, recovery_complete
from runtime.metrics import REGISTRY, TABLE_RECOVERY_COMPLETE
from runtime.settings import Settings

__all__ = ["recovery_complete", "register_pages"]

_EXPOSITION_TYPE = CONTENT_TYPE_LATEST.split(";")[0] + "; version=0.0.4"


def register_pages(app: faust.App, settings: Settings) -> None:
    """The pages, and the health watch over every agent registered so far."""
    health = install_health(app, settings)

    @app.page("/metrics")
    async def metrics(self: Any, request: Any) -> Any:
        TABLE_RECOVERY_COMPLETE.set(1 if recovery_complete(app) else 0)
        # aiohttp refuses a charset inside content_type; the exposition format's
        # type without it is what Prometheus expects by default anyway.
        return self.bytes(generate_latest(REGISTRY), content_type=_EXPOSITION_TYPE)

    @app.page("/ready")
    async def ready(self: Any, request: Any) -> Any:
        done, detail = health.ready()
        TABLE_RECOVERY_COMPLETE.set(1 if detail["recovered"] else 0)
        return self.json({"ready": done, **detail}, status=200 if done else 503)

    @app.page("/live")
    async def live(self: Any, request: Any) -> Any:
        down = health.live()
        body = {"live": not down, "down": {k: round(v, 1) for k, v in down.items()}}
        return self.json(body, status=503 if down else 200)
