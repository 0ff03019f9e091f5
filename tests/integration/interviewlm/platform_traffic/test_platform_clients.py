"""The platform's traffic, sent by its own kind of client, through every real worker.

kafkajs (the Node client a BullMQ platform moves to) and kcat publish the platform's
jobs in each accepted shape and keying (``publish.cjs``); one ``interviewlm worker``
runs the interview, evaluation and notification agents on the real broker and
PostgreSQL, e-mailing the recruiter through a real SMTP server (aiosmtpd). For
several candidates at once, each test checks one stored evaluation, one
``evaluation-complete`` and one e-mail per candidate:

* today's traffic (chats and the submit ``analyze`` at priority 5, no session-complete);
* the full event set, the ``analyze`` before and after the session-complete;
* both again through kcat with the Java clients' partitioner (``murmur2_random``),
  and kcat's default partitioner shown to put session keys elsewhere;
* an ``analyze`` arriving again, with more events, after the evaluation was announced:
  re-scored and stored, its stale report dropped, no second e-mail.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.partitioner import murmur2

from tests.integration.interviewlm.platform_traffic.checks import (
    Sessions,
    interleave,
    one_of_each,
    settle,
)
from tests.integration.interviewlm.platform_traffic.conftest import Platform, eventually
from tests.integration.interviewlm.platform_traffic.traffic import (
    SHAPES,
    full_session,
    kafkajs_send,
    kcat_send,
    todays_traffic,
)
from tests.support.clients import need
from tests.support.kafka import read_topic
from tests.support.stack import unique

pytestmark = pytest.mark.integration


def candidates(tag: str, variants: list[str]) -> dict[str, str]:
    """Session id -> candidate id, one per variant."""
    return {f"{tag}-{v}": f"cand-{tag}-{v}" for v in variants}


def test_todays_traffic_from_kafkajs_gives_one_evaluation_and_one_email_per_candidate(
        platform: Platform) -> None:
    now, tag = datetime.now(UTC), unique("today")
    sessions = Sessions(candidates(tag, list(SHAPES))).start(platform)
    kafkajs_send(platform.bootstrap, interleave([
        todays_traffic(platform.prefix, s, c, s.rsplit("-", 1)[1], now)
        for s, c in sessions.ids.items()]), platform.tmp)
    settle(platform, sessions, analyzes=len(SHAPES))
    one_of_each(platform, sessions)
    metrics = platform.rows("SELECT * FROM internal.session_metrics WHERE session_id = ANY($1)",
                            list(sessions.ids))
    assert sorted(m["session_id"] for m in metrics) == sorted(sessions.ids)
    assert {m["ai_interactions"] for m in metrics} == {4}, "a re-keyed job counts once"
    for row in metrics:
        assert {"asking_for_help", "short_prompts"} <= set(json.loads(row["struggle_indicators"]))


def test_the_full_event_set_in_either_order_gives_one_evaluation_and_one_email(
        platform: Platform) -> None:
    now, tag = datetime.now(UTC), unique("full")
    variants = [f"{order}-{shape}" for order in ("first", "last") for shape in SHAPES]
    sessions = Sessions(candidates(tag, variants)).start(platform)
    kafkajs_send(platform.bootstrap, interleave([
        full_session(platform.prefix, s, c, s.rsplit("-", 1)[1], now,
                     analyze_first="-first-" in s)
        for s, c in sessions.ids.items()]), platform.tmp)
    # each session: the interview agent's analyze (on session-complete) and the submit's
    settle(platform, sessions, analyzes=2 * len(variants))
    rows = one_of_each(platform, sessions)
    assert all(r["mode"] == "offline" for r in rows)
    metrics = platform.rows("SELECT questions_answered, completed_at FROM"
                            " internal.session_metrics WHERE session_id = ANY($1)",
                            list(sessions.ids))
    assert len(metrics) == len(variants)
    assert all(m["questions_answered"] == 3 and m["completed_at"] for m in metrics)


def test_kcat_with_the_java_partitioner_gives_one_evaluation_and_one_email(
        platform: Platform) -> None:
    need("kcat")
    now, tag = datetime.now(UTC), unique("kcat")
    today = Sessions(candidates(tag + "t", list(SHAPES))).start(platform)
    plan = interleave([todays_traffic(platform.prefix, s, c, s.rsplit("-", 1)[1], now)
                       for s, c in today.ids.items()])
    kcat_send(platform.bootstrap, plan, platform.tmp)
    settle(platform, today, analyzes=len(SHAPES))
    one_of_each(platform, today)

    full = Sessions(candidates(tag + "f", list(SHAPES))).start(platform)
    plan = interleave([full_session(platform.prefix, s, c, s.rsplit("-", 1)[1], now,
                                    analyze_first=True) for s, c in full.ids.items()])
    kcat_send(platform.bootstrap, plan, platform.tmp)
    settle(platform, full, analyzes=2 * len(SHAPES))
    one_of_each(platform, full)
    sent = asyncio.run(read_topic(platform.bootstrap, f"{platform.prefix}interview", timeout=5))
    keyed = [r for r in sent if r.key is not None and r.key.decode() in full.ids]
    assert keyed and all(r.partition == java_partition(r.key, 4) for r in keyed), \
        "kcat's murmur2_random puts a session where the Java and Python clients do"


def java_partition(key: bytes, partitions: int) -> int:
    """The Java client's (and aiokafka's, kafkajs's) partition for ``key``."""
    return int(murmur2(key) & 0x7FFFFFFF) % partitions


def test_kcat_default_partitioner_is_crc32_and_splits_sessions(platform: Platform) -> None:
    """What docs/bullmq.md warns about: librdkafka's default (consistent_random) hashes
    keys with CRC32, so many session ids land on another partition than murmur2's."""
    need("kcat")
    topic = platform.prefix + "kcat-default"
    asyncio.run(create_topic(platform.bootstrap, topic, 4))
    keys = [f"sess-{i}" for i in range(16)]
    lines = "\n".join(f"{k}\t{{}}" for k in keys) + "\n"
    done = subprocess.run(["kcat", "-P", "-b", platform.bootstrap, "-t", topic, "-K", "\t"],
                          input=lines.encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    found = asyncio.run(read_topic(platform.bootstrap, topic, expect=len(keys)))
    where = {r.key.decode(): r.partition for r in found}
    assert where == {k: zlib.crc32(k.encode()) % 4 for k in keys}
    moved = [k for k in keys if where[k] != java_partition(k.encode(), 4)]
    assert len(moved) >= 8, f"only {moved} differ"


async def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


def test_an_analyze_again_after_the_announcement_rescores_without_a_second_email(
        platform: Platform) -> None:
    now, tag = datetime.now(UTC), unique("again")
    sessions = Sessions(candidates(tag, ["envelope", "jobkey"])).start(platform)
    kafkajs_send(platform.bootstrap, interleave([
        todays_traffic(platform.prefix, s, c, s.rsplit("-", 1)[1], now)
        for s, c in sessions.ids.items()]), platform.tmp)
    settle(platform, sessions, analyzes=2)
    first = {r["session_id"]: r for r in one_of_each(platform, sessions)}
    for row in first.values():
        assert shows(report(platform, row["evaluation_id"]), row["overall_score"])

    later = datetime.now(UTC)
    kafkajs_send(platform.bootstrap, interleave([
        more_work(platform.prefix, s, c, s.rsplit("-", 1)[1], later)
        for s, c in sessions.ids.items()]), platform.tmp)
    settle(platform, sessions, analyzes=4)  # counted from the first send
    eventually(lambda: all(r["updated_at"] > first[r["session_id"]]["updated_at"]
                           for r in evaluations(platform, sessions)), 30, "re-scored")
    # still one row, one completion, one e-mail: the one sent with the first score
    rows = one_of_each(platform, sessions, emailed={s: r["overall_score"]
                                                   for s, r in first.items()})
    for row in rows:
        before = first[row["session_id"]]
        assert row["evaluation_id"] == before["evaluation_id"]
        assert row["recording_digest"] != before["recording_digest"]
        assert row["overall_score"] != before["overall_score"], "the new events count"
        assert shows(report(platform, row["evaluation_id"]), row["overall_score"])


def evaluations(platform: Platform, sessions: Sessions) -> list[dict[str, object]]:
    return platform.rows("SELECT * FROM internal.evaluations WHERE session_id = ANY($1)",
                         list(sessions.ids))


def more_work(prefix: str, session_id: str, candidate_id: str, shape: str,
              at: datetime) -> list[dict[str, object]]:
    """The candidate goes on after the first submit: a fix, passing tests, a new submit."""
    def event(name: str, seconds: int, **data: object) -> dict[str, object]:
        return {"topic": f"{prefix}interview", "shape": shape, "name": name, "data": {
            "sessionId": session_id, "timestamp": (at - timedelta(seconds=seconds)).isoformat(),
            **data}}

    code = ('def merge(xs: list[list[int]]) -> list[list[int]]:\n    """Merge intervals."""\n'
            '    out: list[list[int]] = []\n    for lo, hi in sorted(xs):\n'
            '        if out and lo <= out[-1][1]:\n            out[-1][1] = max(out[-1][1], hi)\n'
            '        else:\n            out.append([lo, hi])\n    return out\n')
    resubmit = todays_traffic(prefix, session_id, candidate_id, shape, at)[-1]
    return [event("code-changed", 20, files={"solution.py": code}, trigger="manual"),
            event("test-run", 10, passed=12, failed=0, total=12, coverage=0.95,
                  output="12 passed"), resubmit]


def report(platform: Platform, evaluation_id: str) -> str:
    """``interviewlm report show`` (HTML): the stored report, rendered when there is none."""
    shown = subprocess.run([sys.executable, "-m", "interviewlm.cli", "report", "show",
                            evaluation_id, "--format", "html"],
                           env={**os.environ, **platform.env}, capture_output=True, timeout=120)
    assert shown.returncode == 0, shown.stderr.decode()
    return shown.stdout.decode()



def shows(html: str, score: float) -> bool:
    """Whether the HTML report's headline is ``score``."""
    return f'<span class="overall">{score:.1f}</span> / 100' in html
