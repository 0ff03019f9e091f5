"""Throughput and processing-time percentiles from the in-process metrics registry.

The board reads the same counters Prometheus scrapes, so what it shows and what
dashboards show cannot disagree. A :class:`Snapshot` copies the counter and
histogram-bucket values at one moment; the difference of two snapshots gives
rates and percentiles over that window. :func:`histogram_quantile` estimates a
quantile from cumulative buckets the way PromQL's ``histogram_quantile`` does
(linear interpolation inside the bucket that holds the rank).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "QUANTILES",
    "AgentTiming",
    "Snapshot",
    "Stats",
    "Window",
    "histogram_quantile",
    "read_registry",
    "summarize",
]

QUANTILES = (0.5, 0.95, 0.99)
EVENTS = "interviewlm_events_processed"
DURATION = "interviewlm_processing_duration_seconds"

#: Cumulative buckets: (upper bound ``le``, observations <= le), ascending, +Inf last.
Buckets = Sequence[tuple[float, float]]


def histogram_quantile(q: float, buckets: Buckets) -> float | None:
    """Estimate the ``q`` quantile (0..1) of the observations in cumulative ``buckets``.

    Returns None when there are no observations. Inside a bucket observations
    are assumed evenly spread; the first bucket starts at 0 (durations are
    never negative). A rank that falls in the +Inf bucket returns the highest
    finite bound, since nothing better is known.
    """
    if not 0 <= q <= 1:
        raise ValueError(f"quantile must be within [0, 1], got {q}")
    ordered = sorted(buckets)
    if not ordered or ordered[-1][1] <= 0:
        return None
    total = ordered[-1][1]
    rank = q * total
    lower, below = 0.0, 0.0
    for upper, count in ordered:
        if count >= rank and count > below:
            if math.isinf(upper):
                return lower
            return lower + (upper - lower) * (rank - below) / (count - below)
        lower, below = (upper if not math.isinf(upper) else lower), count
    return lower


@dataclass(frozen=True)
class Snapshot:
    """Counter and bucket values at ``at`` (monotonic seconds)."""

    at: float
    processed: dict[tuple[str, str], float] = field(default_factory=dict)
    buckets: dict[str, dict[float, float]] = field(default_factory=dict)


def read_registry(registry: Any, at: float) -> Snapshot:
    """Copy events-processed totals by (topic, outcome) and duration buckets by agent."""
    processed: dict[tuple[str, str], float] = {}
    buckets: dict[str, dict[float, float]] = {}
    for family in registry.collect():
        if family.name == EVENTS:
            for s in family.samples:
                if s.name.endswith("_total"):
                    key = (s.labels.get("topic", ""), s.labels.get("outcome", ""))
                    processed[key] = processed.get(key, 0.0) + s.value
        elif family.name == DURATION:
            for s in family.samples:
                if s.name.endswith("_bucket"):
                    le = float(s.labels["le"])
                    buckets.setdefault(s.labels.get("agent", ""), {})[le] = s.value
    return Snapshot(at, processed, buckets)


class Window:
    """Recent snapshots, so rates can be taken over roughly the last ``seconds``."""

    def __init__(self, seconds: float = 60.0, keep: int = 64) -> None:
        self.seconds = seconds
        self.samples: deque[Snapshot] = deque(maxlen=keep)

    def add(self, snapshot: Snapshot) -> None:
        self.samples.append(snapshot)

    def baseline(self, now: float) -> Snapshot | None:
        """The newest sample at least ``seconds`` old, else the oldest one there is."""
        older = [s for s in self.samples if now - s.at >= self.seconds]
        if older:
            return older[-1]
        earlier = [s for s in self.samples if s.at < now]
        return earlier[0] if earlier else None


@dataclass(frozen=True)
class AgentTiming:
    """Batch processing-time percentiles (seconds) for one agent."""

    agent: str
    batches: float
    quantiles: dict[float, float | None]
    scope: str  # "window" when from the last window's observations, else "since start"


@dataclass(frozen=True)
class Stats:
    """What the board shows under "Throughput"."""

    window_seconds: float
    events_per_second: float
    events_in_window: float
    events_total: float
    by_topic: list[tuple[str, str, float, float]]  # topic, outcome, total, per second
    timings: list[AgentTiming]


def _delta(now: dict[float, float], before: dict[float, float]) -> list[tuple[float, float]]:
    return sorted((le, max(0.0, n - before.get(le, 0.0))) for le, n in now.items())


def _timing(agent: str, now: dict[float, float], before: dict[float, float] | None,
            quantiles: Iterable[float]) -> AgentTiming:
    window = _delta(now, before or {}) if before is not None else []
    use_window = bool(window) and window[-1][1] > 0
    chosen = window if use_window else sorted(now.items())
    count = chosen[-1][1] if chosen else 0.0
    return AgentTiming(agent, count, {q: histogram_quantile(q, chosen) for q in quantiles},
                       "window" if use_window else "since start")


def summarize(now: Snapshot, before: Snapshot | None,
              quantiles: Iterable[float] = QUANTILES) -> Stats:
    """Rates and percentiles between ``before`` (None = process start) and ``now``."""
    elapsed = now.at - before.at if before is not None else 0.0
    base = before.processed if before is not None else {}
    rows = []
    for (topic, outcome), total in sorted(now.processed.items()):
        delta = max(0.0, total - base.get((topic, outcome), 0.0))
        rows.append((topic, outcome, total, delta / elapsed if elapsed > 0 else 0.0))
    in_window = sum(max(0.0, t - base.get(k, 0.0)) for k, t in now.processed.items())
    qs = tuple(quantiles)
    timings = [_timing(agent, b, before.buckets.get(agent) if before else None, qs)
               for agent, b in sorted(now.buckets.items())]
    return Stats(elapsed, in_window / elapsed if elapsed > 0 else 0.0,
                 in_window if before is not None else 0.0,
                 sum(now.processed.values()), rows, timings)
