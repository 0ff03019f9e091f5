"""A throwaway directory holding a copy of the candidate's files, with safe paths only.

Candidate file names come from the platform and are untrusted: an absolute path
or ``..`` could write outside the temporary directory. ``safe_relative_path``
keeps only plain path segments; files whose name sanitises to nothing, or that
would collide with another file, are skipped and reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["MAX_FILES", "MAX_FILE_BYTES", "Workspace", "safe_relative_path", "write_workspace"]

MAX_FILES = 200
MAX_FILE_BYTES = 1_000_000
_SEGMENT = re.compile(r"[^A-Za-z0-9._+-]")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class Workspace:
    """What was written: sanitised relative path -> original name, and skipped originals."""

    root: Path
    written: Mapping[str, str]
    skipped: tuple[str, ...]


def safe_relative_path(name: str) -> str | None:
    """A relative POSIX path made of plain segments, or None if nothing safe remains.

    Backslashes count as separators, a drive prefix is removed, and empty, ``.`` and
    ``..`` segments are dropped; other characters outside ``[A-Za-z0-9._+-]`` become
    ``_``. Hidden names keep their dot but never become ``.`` or ``..``.
    """
    cleaned = _DRIVE.sub("", name.replace("\\", "/"))
    parts = []
    for segment in cleaned.split("/"):
        if segment in ("", ".", ".."):
            continue
        safe = _SEGMENT.sub("_", segment)[:100]
        if safe.strip(".") == "":
            continue
        parts.append(safe)
    return str(PurePosixPath(*parts)) if parts else None


def write_workspace(root: Path, files: Mapping[str, str]) -> Workspace:
    """Write ``files`` under ``root`` (which must exist); never outside it."""
    written: dict[str, str] = {}
    skipped: list[str] = []
    base = root.resolve()
    for name, content in sorted(files.items()):
        relative = safe_relative_path(name)
        data = content.encode("utf-8", "replace")
        if (relative is None or relative in written or len(written) >= MAX_FILES
                or len(data) > MAX_FILE_BYTES):
            skipped.append(name)
            continue
        target = (base / relative).resolve()
        if not target.is_relative_to(base):
            skipped.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written[relative] = name
    return Workspace(root=base, written=written, skipped=tuple(skipped))
