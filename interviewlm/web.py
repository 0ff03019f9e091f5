"""HTTP endpoints on the Faust web server: metrics, readiness and liveness."""

from __future__ import annotations

from typing import Any

import faust
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from runtime.metrics import REGISTRY, TABLE_RECOVERY_COMPLETE
from runtime.settings import Settings

__all__ = ["recovery_complete", "register_pages"]

_EXPOSITION_TYPE = CONTENT_TYPE_LATEST.split(";")[0] + "; version=0.0.4"


def recovery_complete(app: faust.App) -> bool:
    """True once the worker has an assignment and its tables finished recovery."""
    if not app.tables.data:
        return not app.rebalancing
    recovery = app.tables.recovery
    return bool(recovery.completed.is_set() and not recovery.in_recovery and not app.rebalancing)


def register_pages(app: faust.App, settings: Settings) -> None:
    @app.page("/metrics")
    async def metrics(self: Any, request: Any) -> Any:
        TABLE_RECOVERY_COMPLETE.set(1 if recovery_complete(app) else 0)
        # aiohttp refuses a charset inside content_type; the exposition format's
        # type without it is what Prometheus expects by default anyway.
        return self.bytes(generate_latest(REGISTRY), content_type=_EXPOSITION_TYPE)

    @app.page("/ready")
    async def ready(self: Any, request: Any) -> Any:
        done = recovery_complete(app)
        TABLE_RECOVERY_COMPLETE.set(1 if done else 0)
        return self.json({"ready": done}, status=200 if done else 503)

    @app.page("/live")
    async def live(self: Any, request: Any) -> Any:
        return self.json({"live": True})
