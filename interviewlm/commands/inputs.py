"""Files and stdin a person hands a command, and the errors that name them.

Every command that reads a file goes through :func:`read_text` and parses it
inside :func:`named`, so a missing file, a directory, bad UTF-8, bad JSON or a
bad row comes back as one :class:`InputError` line that starts with the file's
name (or ``stdin``) and says where the problem is.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["InputError", "named", "read_text", "source_name"]


class InputError(ValueError):
    """A file or stdin given to a command cannot be used; the message names it."""


def source_name(path: str | Path) -> str:
    """``"-"`` -> ``"stdin"``; a path as the user typed it otherwise."""
    return "stdin" if str(path) == "-" else str(path)


def read_text(path: str | Path) -> str:
    """The whole text of ``path`` (``-`` reads stdin), or an :class:`InputError`."""
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's permissions") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None


@contextmanager
def named(source: str | Path) -> Iterator[None]:
    """Turn parse and validation errors raised inside into ones that name ``source``."""
    name = source_name(source)
    try:
        yield
    except InputError:
        raise
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}") from None
    except KeyError as exc:
        raise InputError(f"{name}: missing field {exc.args[0] if exc.args else ''}") from None
    except (ValueError, TypeError) as exc:
        raise InputError(f"{name}: {exc}") from None
