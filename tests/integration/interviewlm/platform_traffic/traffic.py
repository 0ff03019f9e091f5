"""The platform's traffic as plans for ``publish.cjs``, and the two clients that send it.

A plan is the list of ``queue.add(name, data, opts)`` calls the platform makes, in
order, each with the Kafka topic and the *shape* the producer uses (see
``publish.cjs``). Two kinds of session:

* :func:`todays_traffic`: what the platform's routes send today, AI chats and the
  submit route's ``analyze`` at priority 5, no session-complete;
* :func:`full_session`: every publisher (session-started, code changes, test runs,
  answers, chats, session-complete) plus the submit ``analyze``, sent before or after
  the session-complete.

Every session of one kind carries the same events (only its ids differ), so they
must all score the same, however they were shaped, keyed or ordered.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from interviewlm.synthetic import SessionPlan, generate_session
from tests.support.clients import node_env

__all__ = ["SCRIPT", "SHAPES", "Entry", "full_session", "kafkajs_send", "kcat_send", "records",
           "todays_traffic"]

SCRIPT = Path(__file__).with_name("publish.cjs")
#: Every way of sending a job that the workers accept (see ``publish.cjs``).
SHAPES = ("envelope", "job", "jobkey", "header", "unkeyed")
Entry = dict[str, Any]

#: The platform's chats, help-seeking ones included (they fire struggle indicators).
CHATS = ("I'm stuck... can you help", "fix it",
         "Why does merge() drop the last interval when two intervals touch?",
         "Can you explain how sorting by the start makes the sweep linear?")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _analyze(prefix: str, session_id: str, candidate_id: str, shape: str,
             at: datetime) -> Entry:
    """The submit route's ``evaluation.add('analyze', ..., {priority: 5})``, stamped
    when it is sent (the grace period for late events runs from its timestamp)."""
    return {"topic": f"{prefix}evaluation", "shape": shape, "name": "analyze", "priority": 5,
            "stamp": True,
            "data": {"sessionId": session_id, "candidateId": candidate_id,
                     "timestamp": _iso(at), "priority": 5}}


def todays_traffic(prefix: str, session_id: str, candidate_id: str, shape: str,
                   now: datetime) -> list[Entry]:
    """Chats over the last two minutes, then the submit ``analyze`` at ``now``."""
    chats = [{"topic": f"{prefix}interview", "shape": shape, "name": "ai-interaction",
              "data": {"sessionId": session_id,
                       "timestamp": _iso(now - timedelta(seconds=120 - 25 * i)),
                       "candidateMessage": message,
                       "aiResponse": "Look at how the loop compares neighbouring intervals.",
                       "toolsUsed": ["read_file"] if i % 2 else [],
                       "filesModified": ["solution.py"] if i == 3 else []}}
             for i, message in enumerate(CHATS)]
    return [*chats, _analyze(prefix, session_id, candidate_id, shape, now)]


def full_session(prefix: str, session_id: str, candidate_id: str, shape: str,
                 now: datetime, *, analyze_first: bool) -> list[Entry]:
    """One synthetic session (ended ten minutes ago) from every publisher, and the
    submit ``analyze``, sent just before or just after its session-complete."""
    plan = SessionPlan("template", "template-candidate", true_theta=0.4, n_items=3,
                       focused=True)
    events = generate_session(plan, seed=3, start=now - timedelta(minutes=25)).events
    ids = {"sessionId": session_id, "candidateId": candidate_id}
    entries = [{"topic": f"{prefix}interview", "shape": shape, "name": e["type"],
                "data": {**e["data"], **{k: v for k, v in ids.items() if k in e["data"]}}}
               for e in events]
    analyze = _analyze(prefix, session_id, candidate_id, shape, now)
    at = len(entries) - 1 if analyze_first else len(entries)
    return [*entries[:at], analyze, *entries[at:]]


def kafkajs_send(bootstrap: str, plan: list[Entry], tmp: Path) -> None:
    """Publish ``plan`` with kafkajs (``node publish.cjs send``)."""
    path = tmp / "plan.json"
    path.write_text(json.dumps(plan))
    done = subprocess.run(["node", str(SCRIPT), "send", bootstrap, str(path)], env=node_env(),
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()


def records(plan: list[Entry], tmp: Path) -> list[dict[str, Any]]:
    """The exact records ``publish.cjs`` would send for ``plan``."""
    path = tmp / "plan.json"
    path.write_text(json.dumps(plan))
    done = subprocess.run(["node", str(SCRIPT), "dump", str(path)], env=node_env(),
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def _runs(found: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, str], list[str]]]:
    """Consecutive records sharing a topic and headers: one kcat call each, in order.

    A record to be stamped when sent gets the current time as its timestamp here,
    just before its kcat call, as ``publish.cjs send`` does for kafkajs.
    """
    def same(r: dict[str, Any]) -> str:
        return json.dumps([r["topic"], r.get("headers") or {}])

    for _, group in groupby(found, key=same):
        batch = list(group)
        lines = [_line(r) for r in batch]
        yield batch[0]["topic"], batch[0].get("headers") or {}, lines


def _line(record: dict[str, Any]) -> str:
    """``key<TAB>value`` (just the value for a null key), re-stamped if asked."""
    value = record["value"]
    if record.get("stamp"):
        obj = json.loads(value)
        data = obj.get("data", obj)  # a job or envelope, or data alone
        data["timestamp"] = _iso(datetime.now(UTC))
        value = json.dumps(obj, separators=(",", ":"))
    return value if record["key"] is None else f"{record['key']}\t{value}"


def kcat_send(bootstrap: str, plan: list[Entry], tmp: Path,
              partitioner: str | None = "murmur2_random") -> None:
    """Publish ``plan``'s records with kcat, keys before a tab (none: a null key).

    ``partitioner=None`` keeps librdkafka's default (``consistent_random``, CRC32).
    """
    for topic, headers, lines in _runs(records(plan, tmp)):
        command = ["kcat", "-P", "-b", bootstrap, "-t", topic, "-K", "\t", "-Z",
                   "-X", "acks=all"]
        if partitioner:
            command += ["-X", f"partitioner={partitioner}"]
        for name, value in headers.items():
            command += ["-H", f"{name}={value}"]
        done = subprocess.run(command, input="\n".join(lines).encode() + b"\n",
                              capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode()
