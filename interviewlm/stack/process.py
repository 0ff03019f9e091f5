"""Detached child processes with pid files, used by the local stack."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ManagedProcess", "StackError", "check_port_available", "last_line", "port_open",
           "wait_for_port", "wait_for_port_free"]


class StackError(RuntimeError):
    """The local stack could not be started, checked or stopped."""


@dataclass
class ManagedProcess:
    """A long-running server process tracked by a pid file."""

    name: str
    pid_file: Path
    out_file: Path

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def running(self) -> bool:
        pid = self.pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return not _is_zombie(pid)

    def spawn(self, cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> int:
        """Start ``cmd`` in its own session so it outlives the calling command."""
        self.out_file.parent.mkdir(parents=True, exist_ok=True)
        with self.out_file.open("ab") as out:
            proc = subprocess.Popen(
                cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True, env=env,
            )
        self.pid_file.write_text(str(proc.pid))
        # The server is deliberately detached and tracked by its pid file from now
        # on; marking the handle finished stops Popen warning that it still runs.
        proc.returncode = 0
        return proc.pid

    def terminate(self, timeout: float) -> None:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL."""
        pid = self.pid()
        if pid is None or not self.running():
            self.pid_file.unlink(missing_ok=True)
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.running():
            time.sleep(0.2)
        if self.running():
            os.kill(pid, signal.SIGKILL)
            # Wait for it to be gone: a restart must not race the dying process for its port.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.running():
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.out_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, timeout: float, proc: ManagedProcess) -> None:
    """Wait until ``host:port`` accepts connections; fail fast if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        if not proc.running():
            raise StackError(f"{proc.name} exited during start-up ({last_line(proc.tail())}); "
                             f"its log: {proc.out_file}")
        time.sleep(0.3)
    raise StackError(f"{proc.name} did not open {host}:{port} within {timeout:.0f}s; "
                     f"its log: {proc.out_file}")


def wait_for_port_free(host: str, port: int, timeout: float) -> None:
    """Wait until nothing listens on ``host:port`` (a previous server has let go of it)."""
    deadline = time.monotonic() + timeout
    while port_open(host, port):
        if time.monotonic() > deadline:
            raise StackError(f"{host}:{port} is still in use by another process")
        time.sleep(0.2)


def check_port_available(host: str, port: int, setting: str) -> None:
    """Fail at once, naming the setting that moves it, when another process holds a port
    one of our servers needs (checked only when our own server is not running)."""
    if port_open(host, port):
        raise StackError(f"port {port} on {host} is in use by another process: stop it or set "
                         f"{setting} to a free port")


def last_line(text: str) -> str:
    """The last non-empty line of a log or tool output (for one-line errors)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"
