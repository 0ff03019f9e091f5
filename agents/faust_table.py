"""The session-state table as the interview processor sees it: bytes per session id.

Two things Faust's own ``table[key] = value`` gets wrong for a batch loop:

- **The partition.** Faust takes it from the *current event*; a batch holds
  events from several partitions, so every write names its partition, and the
  changelog record and the RocksDB partition database are the session's.
- **The order of local write and changelog.** Faust writes the local store
  first and the changelog after. With ``rocksdb://`` the local store outlives a
  ``kill -9``, and a state written locally whose changelog record was never
  sent is *ahead* of the changelog: the restarted worker would take the
  redelivered events for duplicates and never send their state, and any other
  worker that later rebuilds the partition from the changelog would miss them
  for good. So here the local store is written only once the changelog has the
  record, in one RocksDB write batch with the changelog offset it now holds;
  until then the value is served from :attr:`TableStore.pending`. After a crash
  the local store is therefore a prefix of the changelog, and recovery replays
  only what follows the recorded offset.

``memory://`` is handled the same way (its contents die with the process, so
the order only matters for reads, which ``pending`` serves).
"""

from __future__ import annotations

from typing import Any

import faust

__all__ = ["TableStore"]


class TableStore:
    """:class:`agents.interview.StateStore` over a Faust table of raw bytes."""

    def __init__(self, table: faust.Table) -> None:
        self.table = table
        #: Written but not yet acknowledged by the changelog: key -> value.
        self.pending: dict[bytes, bytes] = {}
        self._rocks = hasattr(table.data, "_dbs")

    def get(self, key: str) -> bytes | None:
        raw = key.encode()
        value = self.pending.get(raw)
        if value is None:
            value = self._local_get(raw)
        return bytes(value) if value is not None else None

    def set(self, key: str, value: bytes, partition: int) -> None:
        raw = key.encode()
        self.pending[raw] = value
        self.table.changelog_topic.send_soon(
            key=raw, value=value, partition=partition, key_serializer="raw",
            value_serializer="raw", eager_partitioning=True,
            callback=lambda fut: self._on_sent(fut, raw, value))

    def _on_sent(self, fut: Any, raw: bytes, value: bytes) -> None:
        """The changelog has the record: now the local store may have it too."""
        res = fut.result()  # a failed send raised before this callback is called
        if self._rocks:
            self._rocks_put(res.topic_partition, res.offset, raw, value)
        else:
            self.table.data[raw] = value
        if self.pending.get(raw) is value:  # no newer write is still in flight
            del self.pending[raw]

    def _local_get(self, raw: bytes) -> bytes | None:
        if not self._rocks:
            value: bytes | None = self.table.data.get(raw)
            return value
        store = self.table.data
        partition = store._key_index.get(raw)
        if partition is not None and partition in store._dbs:
            value = store._dbs[partition].get(raw)
            if value is not None:
                return value
        # Active partitions only: a standby's copy is not ours to build on.
        for db in store._dbs_for_actives():
            value = db.get(raw)
            if value is not None:
                return value
        return None

    def _rocks_put(self, tp: Any, offset: int, raw: bytes, value: bytes) -> None:
        store = self.table.data
        db = store._dbs.get(tp.partition)
        if db is None:  # revoked meanwhile: its next owner reads it from the changelog
            return
        import rocksdict

        batch = rocksdict.WriteBatch(raw_mode=True)
        batch.put(raw, value)
        batch.put(store.offset_key, str(offset).encode())
        db.write(batch)
        store._key_index[raw] = tp.partition
