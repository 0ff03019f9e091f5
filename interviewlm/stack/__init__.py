"""``interviewlm stack up|down|status``: a real Kafka broker and PostgreSQL server.

With ``KAFKA_BOOTSTRAP_SERVERS`` and ``DATABASE_URL`` both set in the environment,
nothing is started and the external services are used instead. The test suite
starts its services through this same code.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from interviewlm.stack.kafka import KAFKA_VERSION, KafkaBroker
from interviewlm.stack.postgres import PostgresServer
from interviewlm.stack.process import StackError, check_port_available

__all__ = ["KAFKA_VERSION", "LocalStack", "StackError", "StackInfo", "stack_from_env"]


@dataclass(frozen=True)
class StackInfo:
    """The connection settings a worker needs for the running stack."""

    bootstrap_servers: str
    database_url: str
    external: bool = False

    def env(self) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "DATABASE_URL": self.database_url,
        }


@dataclass
class LocalStack:
    """Kafka + PostgreSQL under one directory with configurable ports."""

    root: Path
    kafka_port: int = 9092
    controller_port: int = 9093
    postgres_port: int = 5432
    partitions: int = 8
    external: StackInfo | None = None
    #: Progress lines for people (``stack up`` prints them to stderr); silent by default.
    say: Callable[[str], None] = field(default=lambda _: None, repr=False)
    kafka: KafkaBroker = field(init=False)
    postgres: PostgresServer = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.kafka = KafkaBroker(self.root / "kafka", self.kafka_port, self.controller_port,
                                 self.partitions)
        self.postgres = PostgresServer(self.root / "postgres", self.postgres_port)

    @property
    def info(self) -> StackInfo:
        if self.external is not None:
            return self.external
        return StackInfo(self.kafka.bootstrap, self.postgres.url)

    def up(self, timeout: float = 120.0) -> StackInfo:
        """Start both servers (if not external) and wait until both are healthy.

        External servers are only checked, for at most 10 s: they are either
        there or not, and the error then names the one that is not.
        """
        started = time.monotonic()
        if self.external is None:
            self._check_ports()
            self.say(f"starting PostgreSQL on 127.0.0.1:{self.postgres_port}")
            self.postgres.start()
            self.say(f"starting Kafka {KAFKA_VERSION} on 127.0.0.1:{self.kafka_port} "
                     "(the first start fetches its jars from Maven Central)")
            self.kafka.start(self.root / "cache", timeout=timeout)
        else:
            timeout = min(timeout, 10.0)
        self.say("waiting for Kafka and PostgreSQL to answer")
        asyncio.run(wait_healthy(self.info, timeout))
        self.say(f"ready in {time.monotonic() - started:.1f} s")
        return self.info

    def _check_ports(self) -> None:
        """Another process on one of our ports would make a server fail obscurely."""
        if not self.postgres.running():
            check_port_available("127.0.0.1", self.postgres_port, "STACK_POSTGRES_PORT")
        if not self.kafka.process.running():
            check_port_available("127.0.0.1", self.kafka_port, "STACK_KAFKA_PORT")
            check_port_available("127.0.0.1", self.controller_port,
                                 "STACK_KAFKA_CONTROLLER_PORT")

    def down(self) -> None:
        if self.external is not None:
            return
        self.kafka.stop()
        self.postgres.stop()

    def status(self) -> dict[str, str]:
        if self.external is not None:
            return {"kafka": "external", "postgres": "external"}
        return {
            "kafka": "running" if self.kafka.process.running() else "stopped",
            "postgres": "running" if self.postgres.running() else "stopped",
        }


def stack_from_env(environ: dict[str, str] | None = None) -> LocalStack:
    """Build the stack from ``STACK_*`` variables; external when both URLs are set."""
    env = dict(os.environ if environ is None else environ)
    external = None
    if env.get("KAFKA_BOOTSTRAP_SERVERS") and env.get("DATABASE_URL"):
        external = StackInfo(env["KAFKA_BOOTSTRAP_SERVERS"], env["DATABASE_URL"], external=True)
    return LocalStack(
        root=Path(env.get("STACK_DIR", ".cache/stack")),
        kafka_port=int(env.get("STACK_KAFKA_PORT", "9092")),
        controller_port=int(env.get("STACK_KAFKA_CONTROLLER_PORT", "9093")),
        postgres_port=int(env.get("STACK_POSTGRES_PORT", "5432")),
        partitions=int(env.get("KAFKA_TOPIC_PARTITIONS", "8")),
        external=external,
    )


async def wait_healthy(info: StackInfo, timeout: float) -> None:
    """Kafka answers metadata requests and PostgreSQL answers ``SELECT 1``; on timeout
    the :class:`StackError` names whichever did not."""
    checks = {"Kafka": asyncio.ensure_future(_kafka_ready(info)),
              "PostgreSQL": asyncio.ensure_future(_postgres_ready(info))}
    done, pending = await asyncio.wait(checks.values(), timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*checks.values(), return_exceptions=True)
    for task in done:
        task.result()  # a check only ends early by succeeding; re-raise anything else
    if pending:
        where = {"Kafka": info.bootstrap_servers,
                 "PostgreSQL": info.database_url.rsplit("@", 1)[-1]}
        down = [f"{name} at {where[name]}" for name, task in checks.items() if task in pending]
        raise StackError(f"{' and '.join(down)} did not answer within {timeout:.0f}s; "
                         "check that it runs and is reachable, or fix KAFKA_BOOTSTRAP_SERVERS "
                         "and DATABASE_URL")


async def _kafka_ready(info: StackInfo) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=info.bootstrap_servers,
                                    request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.list_topics()
            return
        except Exception:  # broker still starting: keep polling until the timeout
            await asyncio.sleep(0.5)
        finally:
            await admin.close()


async def _postgres_ready(info: StackInfo) -> None:
    import asyncpg

    while True:
        try:
            conn = await asyncpg.connect(info.database_url, timeout=5)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(0.5)
            continue
        try:
            await conn.fetchval("SELECT 1")
            return
        finally:
            await conn.close()
