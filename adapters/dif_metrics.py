"""The DIF gauge: items per ETS class in the newest stored DIF run, refreshed on a timer.

``interviewlm fairness dif`` stores each run in PostgreSQL; the evaluation worker
reads the newest run's counts every ``interval`` seconds into ``interviewlm_dif_items``
(label ``class`` = A, B or C), so Prometheus can alert on C items.
"""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.db.dif_repo import latest_dif_counts
from adapters.db.pool import connect
from runtime.logs import get_logger
from runtime.metrics import DIF_ITEMS
from runtime.settings import Settings

__all__ = ["DIF_INTERVAL_SECONDS", "refresh_dif_gauge", "register_dif_timer"]

DIF_INTERVAL_SECONDS = 300.0
log = get_logger("dif-metrics")


async def refresh_dif_gauge(settings: Settings) -> dict[str, int] | None:
    """Set the gauge from the newest run (left unset before the first run)."""
    conn = await connect(settings)
    try:
        counts = await latest_dif_counts(conn)
    finally:
        await conn.close()
    for name, value in (counts or {}).items():
        DIF_ITEMS.labels(**{"class": name}).set(value)
    return counts


def register_dif_timer(app: Any, settings: Settings,
                       interval: float = DIF_INTERVAL_SECONDS) -> Any:
    """A Faust timer refreshing the gauge; a failed read only skips one refresh."""

    async def update_dif_items() -> None:
        try:
            await asyncio.wait_for(refresh_dif_gauge(settings), timeout=interval)
        except Exception as exc:  # a failed refresh must never stop the worker
            log.warning("dif_gauge_refresh_failed", None, error_type=type(exc).__name__)

    return app.timer(interval=interval, name="adapters.dif_metrics")(update_dif_items)
