"""Issue 11's "done when": poison in a flowing stream, an agent down and back.

Each poison kind from the field report is published among good events of several
sessions, through a real worker on the real Kafka and PostgreSQL. Meanwhile the
interview agent crashes on every batch (a fault switch standing in for a bug):
``/live`` and ``/ready`` turn red. Once the switch is off the agent recovers and
both turn green; then every good event is stored, every rejected poison is
dead-lettered with its reason, every repaired one (NUL or a lone surrogate in
``candidateMessage``: stored with U+FFFD, the repair and the original bytes, as
docs/contract.md says) is stored, and the group's lag is back to zero.
"""

from __future__ import annotations

import asyncio
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from tests.integration.agents.interview.conftest import fetch, wait_for
from tests.integration.agents.interview.test_poison import REJECTED, REPAIRED, body, chat
from tests.support.faults import LAUNCHER
from tests.support.kafka import committed_reach_end, publish_raw, read_topic
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: The five kinds of the report: dead-lettered (3) and repaired (2).
KINDS_REJECTED = ("nan-in-ignored-field", "max-timestamp", "min-timestamp")
KINDS_REPAIRED = ("nul-in-candidate-message", "surrogate-in-candidate-message")
SESSIONS, PER_SESSION = 6, 16


def status(worker: WorkerProcess, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.port}{path}", timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def wait_status(worker: WorkerProcess, path: str, code: int, timeout: float = 60) -> float:
    started = time.monotonic()
    while status(worker, path) != code:
        assert time.monotonic() - started < timeout, (path, code, worker.logs()[-3000:])
        time.sleep(0.25)
    return time.monotonic() - started


def good(n_from: int, n_to: int) -> list[tuple[bytes, bytes]]:
    return [(f"good-{s}".encode(), body(chat(f"good-{s}", n)))
            for n in range(n_from, n_to) for s in range(SESSIONS)]


def test_poison_in_a_flowing_stream_with_an_agent_down_and_back(
        stack: StackInfo, database_url: str, fault_env: dict[str, str], tmp_path: Path) -> None:
    topic = f"{fault_env['TOPIC_PREFIX']}interview"
    faults = tmp_path / "faults"
    faults.mkdir()
    env = {**fault_env, "FAULT_DIR": str(faults), "LIVENESS_GRACE_SECONDS": "3",
           "READINESS_STALL_SECONDS": "4", "PYTHONPATH": str(Path.cwd())}
    worker = WorkerProcess(env, tmp_path, agents="interview", launcher=LAUNCHER).start()
    try:
        worker.wait_ready()
        assert status(worker, "/live") == 200
        (faults / "crash").touch()
        first = good(0, PER_SESSION // 2)
        poisons = [(k.encode(), REJECTED[k][0]) for k in KINDS_REJECTED]
        poisons += [(REPAIRED[k][0].encode(), REPAIRED[k][1]) for k in KINDS_REPAIRED]
        stream = [r for pair in zip(first, poisons + [None] * len(first), strict=False)
                  for r in pair if r is not None]
        asyncio.run(publish_raw(stack.bootstrap_servers, topic, stream))

        live_red = wait_status(worker, "/live", 503)
        ready_red = wait_status(worker, "/ready", 503)
        (faults / "crash").unlink()
        live_green = wait_status(worker, "/live", 200)
        ready_green = wait_status(worker, "/ready", 200)

        asyncio.run(publish_raw(stack.bootstrap_servers, topic, good(PER_SESSION // 2,
                                                                      PER_SESSION)))
        sessions = [f"good-{s}" for s in range(SESSIONS)] + [REPAIRED[k][0]
                                                            for k in KINDS_REPAIRED]
        asyncio.run(wait_for(
            database_url, "SELECT session_id, events_applied FROM internal.session_metrics"
            " WHERE session_id = ANY($1)", lambda rows: len(rows) == len(sessions) and all(
                r["events_applied"] == (1 if r["session_id"].startswith("p-") else PER_SESSION)
                for r in rows), 90, sessions))
        stored = asyncio.run(fetch(database_url, "SELECT count(*) AS n FROM "
                                   "internal.session_events WHERE session_id LIKE 'good-%'"))
        assert stored[0]["n"] == SESSIONS * PER_SESSION

        dead = asyncio.run(read_topic(stack.bootstrap_servers, f"{topic}.dlq",
                                      expect=len(KINDS_REJECTED)))
        by_key = {r.key.decode(): r for r in dead}
        assert set(by_key) == set(KINDS_REJECTED)
        for kind in KINDS_REJECTED:
            raw, reason, text = REJECTED[kind]
            headers = {k: v.decode() for k, v in by_key[kind].headers}
            assert headers["x-dlq-reason"] == reason and text in headers["x-dlq-error"]
            assert by_key[kind].value == raw
        repaired = asyncio.run(fetch(database_url, "SELECT session_id, repairs::text FROM "
                                     "internal.session_events WHERE session_id = ANY($1)",
                                     [REPAIRED[k][0] for k in KINDS_REPAIRED]))
        assert len(repaired) == len(KINDS_REPAIRED) and all(r["repairs"] for r in repaired)

        took = asyncio.run(committed_reach_end(stack.bootstrap_servers, fault_env["APP_ID"],
                                               [topic], 60))
        metrics = worker.get("/metrics")
        assert 'interviewlm_agent_crashes_total{agent="interview-agent"}' in metrics
        assert 'interviewlm_agent_up{agent="interview-agent"} 1.0' in metrics
        assert status(worker, "/live") == 200 and status(worker, "/ready") == 200
    finally:
        code = worker.stop(signal.SIGTERM, timeout=40)
    assert code == 0, worker.logs()[-3000:]
    print(f"done-when: /live red after {live_red:.1f}s, /ready red after {ready_red:.1f}s "
          f"more; green {live_green:.1f}s and {ready_green:.1f}s after the fix; lag zero "
          f"{took:.1f}s after the last event was stored")
