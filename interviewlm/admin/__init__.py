"""The admin board on the worker's web server: queues, throughput, failed jobs, workers.

:func:`register_admin` is the one call the app makes: it binds the views in
:mod:`interviewlm.admin.views` to the app, and starts the timers that feed
the board and Prometheus (consumer lag, throughput samples).

Module map (pure modules have no I/O and are unit-tested on plain values):

- ``auth``        pure: API key, signed session cookie, CSRF token
- ``stats``       pure: histogram quantiles, throughput windows from the registry
- ``model``       pure: the data the board shows, with JSON forms
- ``render``       pure: HTML from the Jinja2 templates in ``templates/``
- ``kafka_info``  I/O: topic offsets, consumer-group members
- ``jobs``        I/O: failed jobs in PostgreSQL, retry and purge
- ``guard``, ``views``  the Faust views
"""

from __future__ import annotations

import time
from typing import Any

from adapters.lag import register_lag_timer
from interviewlm.admin.guard import AdminContext
from interviewlm.admin.pause import REAPPLY_SECONDS
from interviewlm.admin.stats import read_registry
from interviewlm.admin.views import VIEWS
from runtime.metrics import REGISTRY
from runtime.settings import Settings

__all__ = ["SAMPLE_INTERVAL_SECONDS", "register_admin"]

#: How often the throughput window takes a snapshot of the registry (seconds).
SAMPLE_INTERVAL_SECONDS = 10.0


def register_admin(app: Any, settings: Settings) -> AdminContext:
    """Add the /admin routes, the consumer-lag timer and the throughput sampler to ``app``."""
    ctx = AdminContext(app, settings)
    for path, view in VIEWS.items():
        bound = type(view.__name__, (view,), {"ctx": ctx})
        app.page(path, name=f"admin.{view.__name__}")(bound)
    register_lag_timer(app, settings)

    async def sample_throughput() -> None:
        ctx.window.add(read_registry(REGISTRY, time.monotonic()))

    app.timer(interval=SAMPLE_INTERVAL_SECONDS, name="interviewlm.admin.sample")(
        sample_throughput)

    async def keep_paused() -> None:
        ctx.pause.reapply()

    app.timer(interval=REAPPLY_SECONDS, name="interviewlm.admin.pause")(keep_paused)
    return ctx
