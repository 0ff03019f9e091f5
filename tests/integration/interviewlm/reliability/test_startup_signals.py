"""SIGTERM at any moment of start-up or shutdown exits 0, and nothing is lost or stored twice.

The moments: while Python imports the worker (0.1 s), during the pre-flight checks
(0.5 s, 1 s), while Faust starts and recovers its table (2 s) and once ready with
events flowing, and a second SIGTERM during the shutdown. A worker then runs to
the end: every event is stored exactly once and the stored metrics equal a clean
replay.
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch
from tests.integration.interviewlm.reliability.conftest import session_events
from tests.integration.interviewlm.reliability.test_crash import converged
from tests.support.kafka import committed_reach_end, publish_json
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MOMENTS = (0.1, 0.5, 1.0, 2.0, 3.5)


def test_sigterm_at_every_moment_of_start_up_exits_zero_and_loses_nothing(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path) -> None:
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    asyncio.run(publish_json(stack.bootstrap_servers, topic, session_events(40, 27, seed=31)))
    worker = WorkerProcess(fault_env, tmp_path, agents="interview")
    codes: dict[str, int] = {}
    for moment in MOMENTS:
        worker.start()
        time.sleep(moment)  # the moment under test, not a wait for a condition
        codes[f"{moment}s"] = worker.stop(signal.SIGTERM, timeout=40)
    worker.start()
    worker.wait_ready()
    codes["ready"] = worker.stop(signal.SIGTERM, timeout=40)
    for later in (0.2, 1.0):  # a second SIGTERM while the first shutdown runs
        worker.start()
        worker.wait_ready()
        assert worker.proc is not None
        worker.proc.send_signal(signal.SIGTERM)
        time.sleep(later)  # the moment under test
        codes[f"again after {later}s"] = worker.stop(signal.SIGTERM, timeout=40)
    assert codes == dict.fromkeys(codes, 0), (codes, worker.logs()[-3000:])

    worker.start()
    try:
        worker.wait_ready()
        asyncio.run(converged(stack, topic, database_url))
        asyncio.run(committed_reach_end(stack.bootstrap_servers, fault_env["APP_ID"], [topic],
                                        60))
    finally:
        assert worker.stop() == 0
    duplicates = asyncio.run(fetch(database_url, 'SELECT partition, "offset", count(*) AS n '
                                   "FROM internal.session_events GROUP BY 1, 2 HAVING "
                                   "count(*) > 1"))
    assert duplicates == []
    print(f"sigterm during start-up: exit codes {codes}")
