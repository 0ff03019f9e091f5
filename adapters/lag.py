"""Consumer lag per (group, topic, partition), and the timer that exports it.

Lag is the number of messages between the consumer group's committed offset
and the end of the partition (the offset the next produced message will get).
It is read from the brokers, not from this worker's consumer, so every worker
reports the lag of the whole group, including partitions assigned to others.

The arithmetic is a pure function (:func:`consumer_lag`); the broker reads
(:func:`fetch_offsets`, :func:`fetch_committed`) and the Faust timer
(:func:`register_lag_timer`) are thin I/O around it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from adapters.kafka_admin import client_kwargs
from runtime.logs import get_logger
from runtime.metrics import CONSUMER_COMMITTED, CONSUMER_LAG
from runtime.settings import Settings

__all__ = [
    "LAG_INTERVAL_SECONDS",
    "TP",
    "Offsets",
    "consumed_topics",
    "consumer_lag",
    "fetch_committed",
    "fetch_offsets",
    "partition_lag",
    "refresh_lag_gauge",
    "register_lag_timer",
]

log = get_logger("consumer-lag")

#: How often every worker refreshes the lag gauge (seconds).
LAG_INTERVAL_SECONDS = 15.0

#: (topic, partition): plain tuples keep the pure functions free of Kafka types.
TP = tuple[str, int]


@dataclass(frozen=True)
class Offsets:
    """First retained and next-to-be-written offset of each partition."""

    beginning: dict[TP, int] = field(default_factory=dict)
    end: dict[TP, int] = field(default_factory=dict)

    def messages(self, topic: str) -> int:
        """Messages currently retained in ``topic`` (sum of end - beginning)."""
        return sum(end - self.beginning.get(tp, 0)
                   for tp, end in self.end.items() if tp[0] == topic)

    def partitions(self, topic: str) -> list[int]:
        return sorted(p for t, p in self.end if t == topic)


def partition_lag(end: int, committed: int | None, beginning: int = 0) -> int:
    """Messages the group has still to consume on one partition.

    ``end - committed``; with no committed offset the group starts from the
    first retained message (the workers use ``auto_offset_reset=earliest``),
    so everything retained counts: ``end - beginning``, i.e. ``end`` when
    nothing was deleted. Never negative (a committed offset can briefly be
    read ahead of a stale end offset).
    """
    start = beginning if committed is None or committed < 0 else max(committed, beginning)
    return max(0, end - start)


def consumer_lag(end: Mapping[TP, int], committed: Mapping[TP, int | None],
                 beginning: Mapping[TP, int] | None = None,
                 topics: Iterable[str] | None = None) -> dict[TP, int]:
    """Lag of every partition in ``end`` (restricted to ``topics`` when given)."""
    wanted = set(topics) if topics is not None else None
    first = beginning or {}
    return {
        tp: partition_lag(last, committed.get(tp), first.get(tp, 0))
        for tp, last in sorted(end.items())
        if wanted is None or tp[0] in wanted
    }


def consumed_topics(app: Any, settings: Settings, committed: Iterable[TP] = ()) -> list[str]:
    """Our topics the group reads: those its agents subscribe to or it has committed on."""
    ours = settings.topics.all()
    names = {t for t, _ in committed}
    for agent in getattr(app, "agents", {}).values():
        names.update(getattr(agent.channel, "topics", ()) or ())
    return [t for t in ours if t in names]


@asynccontextmanager
async def _admin(settings: Settings) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_list,
                                request_timeout_ms=10000, **client_kwargs(settings))
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def _partitions(settings: Settings, topics: Iterable[str]) -> list[TopicPartition]:
    """Every partition of those ``topics`` that exist (never creates a topic)."""
    async with _admin(settings) as admin:
        existing = set(await admin.list_topics())
        wanted = [t for t in dict.fromkeys(topics) if t in existing]
        described = await admin.describe_topics(wanted) if wanted else []
    return sorted(TopicPartition(d["topic"], p["partition"])
                  for d in described if not d.get("error_code") for p in d["partitions"])


async def fetch_offsets(settings: Settings, topics: Iterable[str]) -> Offsets:
    """Beginning and end offsets of every partition of the ``topics`` that exist."""
    tps = await _partitions(settings, topics)
    if not tps:
        return Offsets()
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_list, group_id=None,
                                enable_auto_commit=False, request_timeout_ms=10000,
                                **client_kwargs(settings))
    await consumer.start()
    try:
        beginning = await consumer.beginning_offsets(tps)
        end = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return Offsets({(tp.topic, tp.partition): int(o) for tp, o in beginning.items()},
                   {(tp.topic, tp.partition): int(o) for tp, o in end.items()})


async def fetch_committed(settings: Settings, group: str) -> dict[TP, int]:
    """The group's committed offsets (partitions it never committed are absent)."""
    async with _admin(settings) as admin:
        offsets = await admin.list_consumer_group_offsets(group)
    return {(tp.topic, tp.partition): int(meta.offset)
            for tp, meta in offsets.items() if meta.offset >= 0}


async def refresh_lag_gauge(app: Any, settings: Settings) -> dict[TP, int]:
    """Read offsets from the brokers and set CONSUMER_LAG (and the committed offsets
    behind it, CONSUMER_COMMITTED) for the app's group."""
    group = settings.app_id
    committed = await fetch_committed(settings, group)
    topics = consumed_topics(app, settings, committed)
    offsets = await fetch_offsets(settings, topics)
    lags = consumer_lag(offsets.end, committed, offsets.beginning, topics)
    for (topic, partition), lag in lags.items():
        CONSUMER_LAG.labels(group=group, topic=topic, partition=str(partition)).set(lag)
        if (topic, partition) in committed:
            CONSUMER_COMMITTED.labels(group=group, topic=topic, partition=str(partition)).set(
                committed[(topic, partition)])
    return lags


def register_lag_timer(app: Any, settings: Settings,
                       interval: float = LAG_INTERVAL_SECONDS) -> Any:
    """A Faust timer refreshing the lag gauge every ``interval`` seconds.

    A broker hiccup only skips one refresh: the gauge keeps its last values
    and the next tick tries again.
    """

    async def update_consumer_lag() -> None:
        try:
            await asyncio.wait_for(refresh_lag_gauge(app, settings), timeout=interval)
        except Exception as exc:  # a failed refresh must never stop the worker
            log.warning("consumer_lag_refresh_failed", None, error_type=type(exc).__name__)

    return app.timer(interval=interval, name="adapters.lag")(update_consumer_lag)
