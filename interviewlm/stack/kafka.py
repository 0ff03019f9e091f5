"""A real single-node Apache Kafka broker in KRaft mode, for local runs and tests.

The jars come from Maven Central (``org.apache.kafka:kafka_2.13`` and its runtime
dependencies) at a pinned version, resolved once with ``mvn
dependency:copy-dependencies`` and cached under the stack directory. The broker
runs as a detached ``java`` process so ``interviewlm stack up`` can return.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from interviewlm.stack.process import (
    ManagedProcess,
    StackError,
    last_line,
    wait_for_port,
    wait_for_port_free,
)

__all__ = ["KAFKA_VERSION", "KafkaBroker", "ensure_jars", "new_cluster_id"]

KAFKA_VERSION = "4.1.1"
LOG4J_VERSION = "2.24.3"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.interviewlm</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>{kafka}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version></dependency>
  </dependencies>
</project>
"""

_LOG4J2 = """status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
"""


def ensure_jars(cache_dir: Path, version: str = KAFKA_VERSION) -> Path:
    """Resolve the broker's jars into ``cache_dir/kafka-<version>/libs`` (once)."""
    home = cache_dir / f"kafka-{version}"
    libs = home / "libs"
    marker = home / ".resolved"
    if marker.exists():
        return libs
    if shutil.which("mvn") is None:
        raise StackError("Maven (mvn) is needed to fetch the Kafka jars from Maven Central")
    home.mkdir(parents=True, exist_ok=True)
    (home / "pom.xml").write_text(_POM.format(kafka=version, log4j=LOG4J_VERSION))
    cmd = ["mvn", "-q", "-B", "dependency:copy-dependencies", "-DincludeScope=runtime",
           f"-DoutputDirectory={libs}"]
    result = subprocess.run(cmd, cwd=home, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        log = home / "mvn.log"
        log.write_text(result.stdout + result.stderr)
        raise StackError(f"mvn could not resolve Kafka {version} ({last_line(result.stdout)}); "
                         f"check access to Maven Central; full output: {log}")
    marker.write_text(version)
    return libs


def new_cluster_id(random_bytes: Callable[[int], bytes] = os.urandom) -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (22 chars).

    About 1 in 64 such ids begins with ``-`` (first byte 0xF8-0xFB), which Kafka's
    storage tool would read as an option. Kafka's own ``Uuid.randomUuid`` draws
    again in that case; so do we.
    """
    while True:
        value = base64.urlsafe_b64encode(random_bytes(16)).decode().rstrip("=")
        if not value.startswith("-"):
            return value


@dataclass
class KafkaBroker:
    """One combined broker+controller node listening on ``127.0.0.1:port``."""

    root: Path
    port: int = 9092
    controller_port: int = 9093
    partitions: int = 8
    heap: str = "512m"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def process(self) -> ManagedProcess:
        return ManagedProcess("kafka", self.root / "kafka.pid", self.root / "kafka.out")

    def start(self, cache_dir: Path, timeout: float = 90.0) -> None:
        """Start the broker (formatting storage on first start) and wait for its port."""
        if self.process.running():
            return
        libs = ensure_jars(cache_dir)
        props = self._write_config()
        data = self.root / "data"
        if not (data / "meta.properties").exists():
            self._format(libs, props)
        wait_for_port_free("127.0.0.1", self.port, 30)
        java = shutil.which("java") or "java"
        cmd = [java, f"-Xmx{self.heap}", f"-Xms{self.heap}", "-XX:+UseG1GC",
               f"-Dlog4j2.configurationFile={self.root / 'log4j2.properties'}",
               "-cp", f"{libs}/*", "kafka.Kafka", str(props)]
        self.process.spawn(cmd, cwd=self.root)
        wait_for_port("127.0.0.1", self.port, timeout, self.process)

    def stop(self, timeout: float = 30.0) -> None:
        self.process.terminate(timeout)

    def _format(self, libs: Path, props: Path) -> None:
        java = shutil.which("java") or "java"
        # "--cluster-id=<id>" keeps the value attached to its option even if it began
        # with "-"; new_cluster_id never makes one that does, as Kafka's own tool.
        cmd = [java, "-cp", f"{libs}/*", "kafka.tools.StorageTool", "format",
               f"--cluster-id={new_cluster_id()}", "-c", str(props)]
        env = dict(os.environ, KAFKA_LOG4J_OPTS="")
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
        if result.returncode != 0:
            log = self.root / "format.log"
            log.write_text(result.stdout + result.stderr)
            raise StackError(f"formatting Kafka storage failed ({last_line(result.stderr)}); "
                             f"full output: {log}")

    def _write_config(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "log4j2.properties").write_text(
            _LOG4J2.format(log=self.root / "server.log")
        )
        props = self.root / "server.properties"
        props.write_text("\n".join(self._settings()) + "\n")
        return props

    def _settings(self) -> list[str]:
        """Single-node KRaft settings: every internal topic has replication 1."""
        return [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
            f"CONTROLLER://127.0.0.1:{self.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            f"log.dirs={self.root / 'data'}",
            f"num.partitions={self.partitions}",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=8",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "default.replication.factor=1",
            "min.insync.replicas=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            "message.max.bytes=10485760",
            "log.retention.hours=168",
            "log.segment.bytes=67108864",
        ]
