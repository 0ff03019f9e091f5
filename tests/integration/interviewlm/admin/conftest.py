"""One worker with an API key for the board tests of a module (starting one takes seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.interviewlm.admin.board import Http, start_worker
from tests.support.stack import fresh_database, unique
from tests.support.worker import WorkerProcess


@dataclass
class Board:
    worker: WorkerProcess
    http: Http
    database_url: str
    prefix: str
    bootstrap: str

    @property
    def interview_topic(self) -> str:
        return f"{self.prefix}interview"

    @property
    def group(self) -> str:
        return self.worker.env["APP_ID"]


@pytest.fixture(scope="module")
def board(stack: StackInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    log_dir: Path = tmp_path_factory.mktemp("board")
    for url in fresh_database(stack):
        prefix = unique("t") + "."
        worker = start_worker(stack, url, prefix, log_dir)
        try:
            yield Board(worker, Http(worker.port), url, prefix, stack.bootstrap_servers)
        finally:
            worker.stop()
