"""Expected failures as one line a person can act on: what failed, then what to do.

``interviewlm`` prints ``interviewlm <command>: error: <line>`` and exits 2 for
these; anything else is a bug and keeps its traceback. The adapters' own
messages (also used in logs) say what failed; the hint for a person is added
here, where we know they are at a terminal.
"""

from __future__ import annotations

import socket

from adapters.db.pool import DatabaseUnavailable
from adapters.kafka_admin import KafkaUnavailable
from interviewlm.stack.process import StackError
from streams.errors import ContractError

__all__ = ["PortInUse", "check_port_free", "describe"]

_START = "start it with `interviewlm stack up`"
_HINTS: tuple[tuple[type[BaseException], str], ...] = (
    (DatabaseUnavailable, f"{_START} or set DATABASE_URL"),
    (KafkaUnavailable, f"{_START} or set KAFKA_BOOTSTRAP_SERVERS"),
)
_EXPECTED = (StackError, ContractError, ValueError, LookupError, OSError, TimeoutError)


class PortInUse(RuntimeError):
    """A port a command must listen on is taken; the message says which setting moves it."""


def check_port_free(host: str, port: int, setting: str) -> None:
    """Raise :class:`PortInUse` when ``host:port`` cannot be bound (as aiohttp binds it).

    Checked before a worker starts, because Faust would otherwise only log a JSON
    line and exit 1 once its web server failed to bind.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            raise PortInUse(f"port {port} on {host} is already in use (another worker?): stop "
                            f"that process or set {setting} to a free port") from None


def describe(exc: BaseException) -> str | None:
    """The one line for an expected failure, or None for a bug."""
    for kind, hint in _HINTS:
        if isinstance(exc, kind):
            return f"{exc}; {hint}"
    if isinstance(exc, TimeoutError) and not str(exc):
        return "timed out waiting for a service; check Kafka and PostgreSQL are reachable"
    if isinstance(exc, KeyError) and exc.args:
        return _one_line(str(exc.args[0]))  # str(KeyError) would wrap it in quotes
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or type(exc).__name__}"
    if isinstance(exc, (PortInUse, *_EXPECTED)):
        return _one_line(str(exc) or type(exc).__name__)
    return None


def _one_line(message: str) -> str:
    """The first line of a message; a longer one points at where the rest went."""
    lines = [line for line in message.splitlines() if line.strip()]
    if len(lines) <= 1:
        return message.strip()
    return f"{lines[0].rstrip(':')} (more above in the log)"
