"""A real worker process (``interviewlm worker``) for integration tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

__all__ = ["WorkerProcess", "free_port"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WorkerProcess:
    """Start, wait for readiness, signal, kill and restart one worker process."""

    def __init__(self, env: dict[str, str], log_dir: Path, agents: str = "interview",
                 name: str = "worker", launcher: str | None = None) -> None:
        """``launcher``: Python code to run instead of ``-m interviewlm.cli`` (it gets the
        CLI arguments in ``sys.argv[1:]``), e.g. to register an agent first."""
        self.port = free_port()
        self.env = {**os.environ, **env, "WEB_PORT": str(self.port), "WEB_HOST": "127.0.0.1"}
        self.agents = agents
        self.launcher = launcher
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        entry = ["-c", self.launcher] if self.launcher else ["-m", "interviewlm.cli"]
        self.proc = subprocess.Popen(
            [sys.executable, *entry, "worker", "--agents", self.agents],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    def wait_ready(self, timeout: float = 90.0) -> float:
        """Seconds until /ready answered 200."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited {self.proc.returncode}:\n{self.logs()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/ready",
                                            timeout=2) as resp:
                    if resp.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.25)
        raise TimeoutError(f"worker not ready in {timeout}s:\n{self.logs()[-3000:]}")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as resp:
            return str(resp.read().decode())

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        """Send ``sig`` and wait; returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise

    def kill(self) -> None:
        self.stop(signal.SIGKILL, 10)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
