"""Every CLI command against a missing broker, database, file or port: one line on
stderr that says what failed and what to do, exit code 2, no traceback, and no
warning about an unclosed client."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.interviewlm.admin.board import insert_failed_job
from tests.integration.interviewlm.cli.test_commands import run_cli
from tests.support.worker import free_port

pytestmark = pytest.mark.integration

STARTED = {"type": "session-started",
           "data": {"sessionId": "s-err", "candidateId": "c-1", "questionId": "q-1",
                    "difficulty": 5, "questionSeed": "seed", "timestamp": "2024-05-01T10:00:00Z"}}


@dataclass
class World:
    """Paths and addresses the cases refer to by name."""

    stack: StackInfo
    db: str  # a migrated database holding failed job 1
    tmp: Path
    dead_kafka: str
    dead_db: str

    def file(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.write_text(text)
        return str(path)


@pytest.fixture(scope="module")
def world(stack: StackInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from tests.support.stack import fresh_database

    tmp = tmp_path_factory.mktemp("cli-errors")
    for db in fresh_database(stack):
        proc, _ = run_cli("db", "migrate", env={"DATABASE_URL": db})
        assert proc.returncode == 0, proc.stderr
        insert_failed_job(db, "t.interview", STARTED, offset=1)
        yield World(stack, db, tmp, f"127.0.0.1:{free_port()}",
                    f"postgresql://postgres:hunter2@127.0.0.1:{free_port()}/interviewlm")


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


KAFKA_DOWN = ["Kafka at 127.0.0.1:", "unreachable", "interviewlm stack up",
              "KAFKA_BOOTSTRAP_SERVERS"]
DB_DOWN = ["PostgreSQL at 127.0.0.1:", "unreachable", "interviewlm stack up", "DATABASE_URL"]
EXTERNAL_KAFKA_DOWN = ["Kafka at 127.0.0.1:", "did not answer", "KAFKA_BOOTSTRAP_SERVERS"]
EXTERNAL_DB_DOWN = ["PostgreSQL at 127.0.0.1:", "did not answer", "DATABASE_URL"]
NO_FILE = ["nope.json: no such file; check the path"]

#: (id, argv, which services are away, words the one line must contain)
CASES: list[tuple[str, list[str], str, list[str]]] = [
    ("publish-kafka", ["publish", "{good}"], "kafka", KAFKA_DOWN),
    ("simulate-kafka", ["simulate", "--sessions", "1"], "kafka", KAFKA_DOWN),
    ("worker-kafka", ["worker", "--agents", "interview"], "kafka", KAFKA_DOWN),
    ("retry-kafka", ["failed", "retry", "1"], "kafka", KAFKA_DOWN),
    ("stack-kafka", ["stack", "up", "--timeout", "3"], "kafka", EXTERNAL_KAFKA_DOWN),
    ("demo-kafka", ["demo"], "kafka", EXTERNAL_KAFKA_DOWN),
    ("migrate-db", ["db", "migrate"], "db", DB_DOWN),
    ("items-db", ["items", "load", "{items}"], "db", DB_DOWN),
    ("metrics-db", ["metrics", "s-1"], "db", DB_DOWN),
    ("failed-list-db", ["failed", "list"], "db", DB_DOWN),
    ("failed-show-db", ["failed", "show", "1"], "db", DB_DOWN),
    ("failed-retry-db", ["failed", "retry", "1"], "db", DB_DOWN),
    ("failed-purge-db", ["failed", "purge", "1", "--yes"], "db", DB_DOWN),
    ("fairness-db", ["fairness", "report"], "db", DB_DOWN),
    ("report-db", ["report", "show", "e-1"], "db", DB_DOWN),
    ("worker-db", ["worker", "--agents", "interview"], "db", DB_DOWN),
    ("stack-db", ["stack", "up", "--timeout", "3"], "db", EXTERNAL_DB_DOWN),
    ("demo-db", ["demo"], "db", EXTERNAL_DB_DOWN),
    ("publish-nofile", ["publish", "{tmp}/nope.json"], "", NO_FILE),
    ("items-nofile", ["items", "load", "{tmp}/nope.json"], "", NO_FILE),
    ("evaluate-nofile", ["evaluate", "--recording", "{tmp}/nope.json"], "", NO_FILE),
    ("fairness-nofile", ["fairness", "report", "--groups", "{tmp}/nope.json"], "", NO_FILE),
    ("publish-dir", ["publish", "{tmp}"], "", ["is a directory; give a file"]),
    ("publish-badjson", ["publish", "{bad}"], "",
     ["bad.json is not valid JSON:", "line 1, column"]),
    ("publish-badevent", ["publish", "{invalid}"], "",
     ["invalid.json: event 1:", "questionId"]),
    ("items-badjson", ["items", "load", "{bad}"], "", ["bad.json is not valid JSON:"]),
    ("items-badrow", ["items", "load", "{badrow}"], "", ["badrow.csv: item row 1"]),
    ("evaluate-badjson", ["evaluate", "--recording", "{bad}"], "",
     ["bad.json is not valid JSON:"]),
    ("irt-badjson", ["irt", "estimate"], "", ["stdin is not valid JSON:"]),
    ("worker-port", ["worker", "--agents", "interview"], "port",
     ["port {port} on 127.0.0.1 is already in use", "WEB_PORT"]),
    ("demo-port", ["demo"], "port", ["port {port} on 127.0.0.1 is already in use", "WEB_PORT"]),
    ("stack-pg-port", ["stack", "up"], "stack-pg",
     ["port {port} on 127.0.0.1 is in use by another process", "STACK_POSTGRES_PORT"]),
    ("stack-kafka-port", ["stack", "up"], "stack-kafka",
     ["port {port} on 127.0.0.1 is in use by another process", "STACK_KAFKA_PORT"]),
]


def _env(world: World, away: str, port: int) -> dict[str, str]:
    env = {"KAFKA_BOOTSTRAP_SERVERS": world.stack.bootstrap_servers, "DATABASE_URL": world.db,
           "DB_CONNECT_TIMEOUT_SECONDS": "2", "WEB_HOST": "127.0.0.1",
           "WEB_PORT": str(free_port()), "STACK_DIR": str(world.tmp / "stack"),
           "PYTHONWARNINGS": "always::ResourceWarning"}  # an unclosed client would show
    if away == "kafka":
        env["KAFKA_BOOTSTRAP_SERVERS"] = world.dead_kafka
    elif away == "db":
        env["DATABASE_URL"] = world.dead_db
    elif away == "port":
        env["WEB_PORT"] = str(port)
    elif away.startswith("stack-"):  # a local stack whose port someone else holds
        env.update(KAFKA_BOOTSTRAP_SERVERS="", DATABASE_URL="",
                   STACK_POSTGRES_PORT=str(port if away == "stack-pg" else free_port()),
                   STACK_KAFKA_PORT=str(port if away == "stack-kafka" else free_port()),
                   STACK_KAFKA_CONTROLLER_PORT=str(free_port()))
    return env


@pytest.mark.parametrize(("argv", "away", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_one_actionable_line_and_exit_2(world: World, taken_port: int, argv: list[str],
                                        away: str, words: list[str]) -> None:
    files = {"good": world.file("good.json", json.dumps([STARTED])),
             "bad": world.file("bad.json", '[{"type": "test-run",'),
             "invalid": world.file("invalid.json", json.dumps(
                 [STARTED, {"type": "session-started", "data": {"sessionId": "s"}}])),
             "items": world.file("items.csv", "questionId,a,b,c\nq1,1.2,0.5,0.1\n"),
             "badrow": world.file("badrow.csv", "questionId,a,b,c\nq1,-1,0.5,0.1\n"),
             "tmp": str(world.tmp)}
    args = [a.format(**files) for a in argv]
    proc, took = run_cli(*args, env=_env(world, away, taken_port), stdin="{not json",
                         timeout=90)
    assert proc.returncode == 2, (proc.stdout[-500:], proc.stderr[-2000:])
    errors = [line for line in proc.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, proc.stderr[-2000:]
    (line,) = errors
    assert line.startswith(f"interviewlm {args[0]}: error: "), line
    for word in words:
        assert word.format(port=taken_port) in line, line
    noise = [line for line in proc.stderr.splitlines()
             if ": error: " not in line and not line.startswith(f"{args[0]}: ")
             and not line.startswith("demo: ")]
    assert noise == [], proc.stderr[-2000:]
    assert "hunter2" not in proc.stderr + proc.stdout
    assert took < 40
