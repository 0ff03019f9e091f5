"""The Faust internals the batch-native path and the table store rely on.

agents/faust_batches.py replaces ``Consumer._drain_messages`` of faust-streaming
0.15.3 for the hot topic, and agents/faust_table.py writes RocksDB partitions
directly. If an upgrade moves any of these, this fails before a worker silently
loses its guarantees.
"""

from __future__ import annotations

import asyncio
import inspect
from importlib import metadata
from typing import Any

import faust
import pytest
from faust.stores import rocksdb
from faust.transport import consumer as faust_consumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from mode.utils.queues import FlowControlEvent

from agents.faust_batches import (
    BATCH_SCHEME,
    BatchChannel,
    BatchConsumer,
    BatchTransport,
    install_batch_transport,
)


def test_faust_and_aiokafka_are_the_pinned_versions() -> None:
    assert metadata.version("faust-streaming") == "0.15.3"
    assert metadata.version("aiokafka") == "0.14.0"


def test_the_fetcher_drives_the_consumer_drain_loop_we_replace() -> None:
    fetcher = inspect.getsource(faust_consumer.Fetcher)
    assert "_drain_messages(self)" in fetcher
    drain = inspect.getsource(faust_consumer.Consumer._drain_messages)
    for name in ("getmany(timeout=1.0)", "_read_offset", "_add_gap(tp, r_offset + 1, offset)",
                 "wait_first(", "callback(message), self.suspend_flow.wait()", "_commit_every",
                 "consumer_stopped_errors", "CONSUMER_FETCHING"):
        assert name in drain, name
    assert list(inspect.signature(faust_consumer.Consumer.seek).parameters) == [
        "self", "partition", "offset"]
    # BatchConsumer.seek_now relies on the thread's seek being a plain call.
    assert not inspect.iscoroutinefunction(faust_aiokafka.AIOKafkaConsumerThread.seek)
    assert "self._thread.seek(partition, offset)" in inspect.getsource(
        faust_consumer.ThreadDelegateConsumer._seek)
    recovery = inspect.getsource(__import__("faust.tables.recovery", fromlist=["x"]).Recovery)
    # the order that makes a seek in BatchChannel.clear necessary
    assert recovery.index("consumer.perform_seek()") < recovery.index(
        "self.app.flow_control.resume()\n        consumer.resume_flow()")


def test_ack_and_tracking_members_exist_with_the_meaning_we_use() -> None:
    track = inspect.getsource(faust_consumer.Consumer.track_message)
    assert "self._unacked_messages.add(message)" in track
    ack = inspect.getsource(faust_consumer.Consumer.ack)
    assert "self._unacked_messages.discard(message)" in ack and "_acked[tp]" in ack
    wait_empty = inspect.getsource(faust_consumer.Consumer.wait_empty)
    assert "self._unacked_messages" in wait_empty


def test_rebalance_and_stop_clear_managed_queues_after_stopping_the_flow() -> None:
    from faust.app import base

    for method in (base.App._on_partitions_revoked, base.App._stop_consumer):
        source = inspect.getsource(method)
        assert source.index("stop_flow") < source.index("flow_control.clear()")
    assert "queue.clear()" in inspect.getsource(FlowControlEvent.clear)
    assert "self.clear()" in inspect.getsource(FlowControlEvent.resume)


def test_rocksdb_store_members_used_by_the_table_store() -> None:
    """agents/faust_table.py writes a value and the changelog offset it holds in one batch,
    where Faust's recovery reads that offset back."""
    source = inspect.getsource(rocksdb.Store)
    for name in ("self._dbs", "self._key_index", "def _dbs_for_actives",
                 'offset_key = b"__faust\\0offset__"', "def persisted_offset",
                 "self._db_for_partition(tp.partition).get(self.offset_key)"):
        assert name in source, name
    assert "Options(raw_mode=True)" in inspect.getsource(rocksdb.RocksDBOptions.as_options)
    recovery = inspect.getsource(__import__("faust.tables.recovery", fromlist=["x"]).Recovery)
    assert "persisted_offset = table.persisted_offset(tp)" in recovery
    from faust.topics import Topic

    # the send's callback runs once the broker acknowledged the record, with its offset
    published = inspect.getsource(Topic._on_published)
    assert published.index("message.set_result(res)") < published.index(
        "message.message.callback(message)")


def test_the_transport_registers_under_its_scheme_and_uses_the_batch_consumer() -> None:
    from faust.transport import drivers

    assert install_batch_transport() == BATCH_SCHEME
    assert drivers.by_url(f"{BATCH_SCHEME}://localhost:9092") is BatchTransport
    assert BatchTransport.Consumer is BatchConsumer
    assert issubclass(BatchConsumer, faust_aiokafka.Consumer)


class _Consumer:
    """The three consumer members a channel touches, over a real ``WeakSet``."""

    def __init__(self) -> None:
        import weakref

        self._unacked_messages: weakref.WeakSet[Any] = weakref.WeakSet()
        self.flow_active = False
        self.sought: list[tuple[Any, int]] = []

    def assignment(self) -> set[Any]:
        return {"tp0"}

    def seek_now(self, tp: Any, offset: int) -> None:
        self.sought.append((tp, offset))


class _Message:
    def __init__(self, tp: str, offset: int) -> None:
        self.tp, self.offset = tp, offset


@pytest.fixture
def app() -> faust.App:
    return faust.App("seam-test", broker="memory://", autodiscover=False)


async def test_take_returns_what_is_waiting_at_once_and_at_most_max(app: faust.App) -> None:
    channel = BatchChannel(app, "t", max_buffered=4)
    channel.offer([_Message("tp0", i) for i in range(3)])
    assert [m.offset for m in await channel.take(2)] == [0, 1]
    assert [m.offset for m in await channel.take(10)] == [2]  # no waiting for more
    waiter = asyncio.ensure_future(channel.take(10))
    await asyncio.sleep(0.01)
    assert not waiter.done()
    channel.offer([_Message("tp0", 3)])
    assert [m.offset for m in await asyncio.wait_for(waiter, 1)] == [3]


async def test_clear_untracks_in_place_and_seeks_back_only_while_flowing(
        app: faust.App, monkeypatch: pytest.MonkeyPatch) -> None:
    consumer = _Consumer()
    monkeypatch.setattr(type(app), "consumer", consumer, raising=False)
    channel = BatchChannel(app, "t", max_buffered=2)
    messages = [_Message("tp0", 7), _Message("tp0", 8)]
    for m in messages:
        consumer._unacked_messages.add(m)
    channel.offer(messages)
    waiter = asyncio.ensure_future(channel.take(10))
    app.flow_control.clear()  # what Faust calls on a rebalance: nothing is sought
    assert len(consumer._unacked_messages) == 0 and consumer.sought == []
    consumer.flow_active = True
    channel.offer([_Message("tp0", 9)])
    assert [m.offset for m in await asyncio.wait_for(waiter, 1)] == [9]  # same deque
    channel.offer([_Message("tp0", 10), _Message("tp0", 11)])
    channel.clear()  # e.g. the end of a recovery, flow running: read again from the first
    assert consumer.sought == [("tp0", 10)]  # at once, before anything else is fetched


def test_faust_records_as_committed_the_mapping_it_hands_to_the_low_level_commit() -> None:
    """agents/commit_guard.py clamps that mapping in place, so Faust's bookkeeping
    (``_committed_offset``) sees the offsets actually committed."""
    source = inspect.getsource(faust_consumer.Consumer._commit_offsets)
    assert "did_commit = await self._commit(committable_offsets)" in source
    assert "self._committed_offset.update(committable_offsets)" in source


def test_agent_crashes_go_through_on_error_and_actors_are_tracked() -> None:
    """interviewlm/health.py counts crashes in ``Agent._on_error`` and reads running
    actors from ``Agent._actors`` (``actor_task``, ``crashed``)."""
    from faust.agents.agent import Agent

    execute = inspect.getsource(Agent._execute_actor)
    assert "await self._on_error(self, exc)" in execute
    assert "await aref.crash(exc)" in execute
    assert "aref.actor_task = task" in inspect.getsource(Agent._prepare_actor)
    assert "self._actors.add(aref)" in inspect.getsource(Agent._prepare_actor)
    assert "stream=aref.stream" in inspect.getsource(Agent._replace_actor)
