"""Batch-native delivery of a hot topic through Faust's own consumer.

Faust hands every fetched record to its conductor one at a time: the fetcher
awaits ``wait_first(callback(message), suspend_flow.wait())`` per message (two
tasks each), the conductor decodes it into an Event and puts it on a stream
queue, and the stream steps once per event. On the interview topic that costs
more than our whole reducer. Here the consumer's fetch loop keeps Faust's
per-record bookkeeping (read offsets, gaps, flow control, the unacked set that
rebalances and shutdown wait for) and appends the hot topic's records to a
:class:`BatchChannel` instead; the agent takes whatever is waiting in one call.
Every other topic (changelogs, the job topics) goes down Faust's usual path.

Guarantees, and where they come from:

- acknowledged means stored: a message is tracked as unacked when fetched and
  acked only after its batch was stored (:func:`agents.batching.consume_batches`);
- rebalance and shutdown: Faust's ``flow_control.clear()`` empties the channel
  (``manage_queue``) and untracks what it held, so ``wait_empty`` waits only for
  the batch in flight; recovery then seeks to the committed offsets;
- an idle agent restart (which also clears) seeks the dropped partitions back,
  so nothing waits for the next message to reveal the gap.

The fetch loop is a copy of ``Consumer._drain_messages`` from faust-streaming
0.15.3 (pinned in pyproject.toml) with the per-message await replaced for the
hot topic; ``tests/unit/agents/test_faust_batches_seam.py`` fails if that method or
the names used here change shape.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from typing import Any, cast

import faust
from faust.transport import drivers
from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as faust_aiokafka

from runtime.logs import get_logger

__all__ = ["BATCH_SCHEME", "BatchChannel", "BatchConsumer", "BatchTransport",
           "batch_channel", "install_batch_transport"]

log = get_logger("batch-consumer")

#: URL scheme of the batch-native transport, for ``broker_consumer``.
BATCH_SCHEME = "kafka-batch"
_REGISTRY_ATTR = "_interviewlm_batch_channels"


class BatchChannel:
    """Records of one topic fetched but not yet taken by its agent.

    ``take`` returns everything waiting (up to ``max_events``) as soon as there is
    at least one record, so a batch is cut the moment nothing more is waiting:
    light traffic is never held back by a timer, and under load batches grow by
    themselves while the previous one is being stored.
    """

    def __init__(self, app: faust.App, topic: str, max_buffered: int) -> None:
        self.app, self.topic, self.max_buffered = app, topic, max_buffered
        self._buffer: deque[Any] = deque()
        self._ready = asyncio.Event()
        self._space = asyncio.Event()
        self._space.set()
        app.flow_control.manage_queue(self)  # cleared with Faust's own stream queues

    def __len__(self) -> int:
        return len(self._buffer)

    def offer(self, messages: Iterable[Any]) -> None:
        """Append fetched messages (already tracked as unacked by the consumer)."""
        self._buffer.extend(messages)
        if self._buffer:
            self._ready.set()
        if len(self._buffer) >= self.max_buffered:
            self._space.clear()

    async def wait_for_space(self) -> None:
        await self._space.wait()

    async def take(self, max_events: int) -> list[Any]:
        """At least one message: all that is waiting, at most ``max_events``."""
        buffer = self._buffer  # never replaced, only emptied
        while not buffer:
            self._ready.clear()
            await self._ready.wait()
        n = min(max_events, len(buffer))
        batch = [buffer.popleft() for _ in range(n)]
        if len(buffer) < self.max_buffered:
            self._space.set()
        return batch

    def clear(self) -> None:
        """Drop what is buffered (Faust calls this on rebalance, stop and agent start).

        The dropped messages are untracked so ``wait_empty`` does not wait for them.
        While the flow is running their partitions are sought back at once, so they
        are read again. That matters at the end of a recovery: Faust seeks to the
        committed offsets, the fetcher may already deliver, and only then does
        ``flow_control.resume()`` clear the queues; without the seek those records
        would wait for a restart, and for a partition with no commit yet the next
        record would look like its start.
        """
        dropped = list(self._buffer)
        self._buffer.clear()  # in place: a waiting ``take`` holds this deque
        self._space.set()
        if not dropped:
            return
        consumer = self.app.consumer
        first: dict[Any, int] = {}
        for message in dropped:
            consumer._unacked_messages.discard(message)
            first.setdefault(message.tp, message.offset)
        if consumer.flow_active:  # else a revoke or stop: recovery seeks to the commits
            assigned = consumer.assignment()
            for tp, offset in first.items():
                if tp in assigned:
                    consumer.seek_now(tp, offset)


def _channels(app: Any) -> dict[str, BatchChannel]:
    registry: dict[str, BatchChannel] | None = getattr(app, _REGISTRY_ATTR, None)
    if registry is None:
        registry = {}
        setattr(app, _REGISTRY_ATTR, registry)
    return registry


def batch_channel(app: faust.App, topic: str, max_buffered: int = 2000) -> BatchChannel:
    """The app's channel for ``topic`` (created once; the consumer routes to it)."""
    registry = _channels(app)
    if topic not in registry:
        registry[topic] = BatchChannel(app, topic, max_buffered)
    return registry[topic]


class BatchConsumer(faust_aiokafka.Consumer):  # type: ignore[misc]
    """Faust's aiokafka consumer, delivering registered topics in batches."""

    logger = faust_aiokafka.logger

    #: Partitions sought during the current fetch round: records of theirs fetched
    #: before the seek are stale and must not move the read offset forward again.
    _sought: set[Any]

    async def seek(self, partition: Any, offset: int) -> None:
        self._sought = getattr(self, "_sought", set())
        self._sought.add(partition)
        await super().seek(partition, offset)

    async def _drain_messages(self, fetcher: Any) -> None:  # pragma: no cover - run loop
        channels = _channels(self.app)
        if not channels:
            await super()._drain_messages(fetcher)
            return
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set
        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                self.diag.set_flag(CONSUMER_FETCHING)
                ait = self.getmany(timeout=1.0)
                await self.sleep(0)  # getmany may return at once, over and over
                if not self.should_stop:
                    await self._deliver_round(ait, channels)
                self.diag.unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                return
            raise
        finally:
            self.diag.unset_flag(CONSUMER_FETCHING)

    async def _deliver_round(self, ait: Any, channels: dict[str, BatchChannel]) -> None:
        """One fetch: hot records appended per channel, the rest as Faust does it."""
        pending: dict[str, list[Any]] = {}
        try:
            await self._collect(ait, channels, pending)
            for topic, messages in pending.items():
                await self._offer(channels[topic], self._fresh(messages))
        except BaseException:  # stopped mid-fetch: what was tracked must not block wait_empty
            for messages in pending.values():
                self._unacked_messages.difference_update(messages)
            raise

    async def _collect(self, ait: Any, channels: dict[str, BatchChannel],
                       pending: dict[str, list[Any]]) -> None:
        read_offset = self._read_offset
        sought = self._sought = set()
        async for tp, message in ait:
            if tp in sought:
                continue
            offset = message.offset
            r_offset = read_offset[tp]
            if r_offset is not None and offset < r_offset:
                continue  # fetched before a seek back: it will be read again
            if r_offset and offset - r_offset > 1 and self.app.topics.acks_enabled_for(
                    message.topic):
                await self._add_gap(tp, r_offset + 1, offset)
            channel = channels.get(tp.topic)
            if channel is None:
                await self._deliver_one(message)
            else:
                self._unacked_messages.add(message)
                pending.setdefault(tp.topic, []).append(message)
            read_offset[tp] = offset

    def _fresh(self, messages: list[Any]) -> list[Any]:
        """Drop (and untrack) records of partitions sought while this fetch was read."""
        sought = self._sought
        if not sought:
            return messages
        self._unacked_messages.difference_update(m for m in messages if m.tp in sought)
        return [m for m in messages if m.tp not in sought]

    def seek_now(self, partition: Any, offset: int) -> None:
        """:meth:`seek` without awaiting: Faust's own ``_seek`` is a plain call into the
        aiokafka consumer, so the position moves before anything else can be fetched."""
        self._sought = getattr(self, "_sought", set())
        self._sought.add(partition)
        self._thread.seek(partition, offset)
        self._read_offset[partition] = offset if offset else None

    async def _deliver_one(self, message: Any) -> None:
        """Faust's own per-message path, for every topic without a channel."""
        n_acked = cast(int, getattr(self, "_n_acked", 0))
        if self._commit_every is not None and n_acked >= self._commit_every:
            self._n_acked = 0
            await self.commit()
        await self.wait_first(self.callback(message), self.suspend_flow.wait())

    async def _offer(self, channel: BatchChannel, messages: list[Any]) -> None:
        """Hand a fetch to its channel, waiting while the agent is far behind.

        If the flow stops meanwhile (a rebalance or shutdown began), the messages are
        untracked and dropped: recovery seeks back to the committed offsets.
        """
        if not messages:
            return
        if not channel._space.is_set():
            await self.wait_first(channel.wait_for_space(), self.suspend_flow.wait())
        if not self.flow_active:
            for message in messages:
                self._unacked_messages.discard(message)
            return
        channel.offer(messages)


class BatchTransport(faust_aiokafka.Transport):  # type: ignore[misc]
    """Faust's aiokafka transport with :class:`BatchConsumer` as its consumer."""

    Consumer = BatchConsumer


def install_batch_transport() -> str:
    """Register the transport under :data:`BATCH_SCHEME`; returns the scheme."""
    aliases = cast(dict[str, str], drivers.TRANSPORTS.aliases)
    aliases.setdefault(BATCH_SCHEME, f"{__name__}:BatchTransport")
    return BATCH_SCHEME
