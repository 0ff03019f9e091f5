"""Each worker's own table directory under ``DATA_DIR``.

RocksDB keeps one database per table partition and locks it. Two workers
sharing a directory would fight over those locks (Faust retries a locked
partition for 30 s, then crashes) and one would open the other's partitions as
its own. So a worker claims a directory for its lifetime with an exclusive
``flock``, which the kernel drops when the process exits, ``kill -9``
included:

- ``DATA_DIR/<APP_ID>/<KAFKA_GROUP_INSTANCE_ID>`` when static membership is on
  (one stable name per pod; a second live worker with that name is refused);
- otherwise the first free ``DATA_DIR/<APP_ID>/worker-<n>``: a worker that
  restarts takes its directory back, and a second worker started beside it on
  the same host gets the next one.

A directory that another worker used before is safe to reuse: the table store
records in each partition database the changelog offset it holds, and only
the changelog after it is replayed.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataDirClaim", "DataDirInUse", "claim_data_dir"]

#: Workers of one app id on one host before we give up looking for a free slot.
MAX_SLOTS = 64
LOCK_FILE = ".worker.lock"


class DataDirInUse(RuntimeError):
    """The directory this worker must use is held by another live worker."""


@dataclass
class DataDirClaim:
    """A claimed directory; the claim lasts as long as ``fd`` is open."""

    path: Path
    fd: int

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = -1


def _try_lock(path: Path) -> int | None:
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def claim_data_dir(base: Path, app_id: str, instance_id: str | None = None) -> DataDirClaim:
    """Claim this worker's table directory below ``base`` (see the module docstring)."""
    root = base / app_id
    if instance_id:
        path = root / instance_id
        fd = _try_lock(path)
        if fd is None:
            raise DataDirInUse(f"{path} is held by another worker: KAFKA_GROUP_INSTANCE_ID "
                               f"{instance_id!r} must be unique to one live worker")
        return DataDirClaim(path, fd)
    for slot in range(MAX_SLOTS):
        path = root / f"worker-{slot}"
        fd = _try_lock(path)
        if fd is not None:
            return DataDirClaim(path, fd)
    raise DataDirInUse(f"all {MAX_SLOTS} worker directories under {root} are in use")
