"""What the brokers say about our topics and consumer group, as board data.

:func:`build_topics` and :func:`decode_member` are pure (tested on plain
values); :func:`load_topics` and :func:`load_workers` do the broker reads.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from adapters.kafka_admin import client_kwargs
from adapters.lag import (
    TP,
    Offsets,
    consumed_topics,
    fetch_committed,
    fetch_offsets,
    partition_lag,
)
from interviewlm.admin.model import MemberView, PartitionView, TopicView, WorkerView
from interviewlm.web import recovery_complete
from runtime.settings import Settings

__all__ = [
    "build_topics",
    "changelog_topics",
    "decode_member",
    "load_topics",
    "load_workers",
    "topic_kind",
]


def topic_kind(name: str) -> str:
    """source, retry, dead-letter or changelog, from the name's suffix."""
    for suffix, kind in ((".dlq", "dead-letter"), (".retry", "retry"),
                         ("-changelog", "changelog")):
        if name.endswith(suffix):
            return kind
    return "source"


def changelog_topics(app: Any) -> list[str]:
    """Changelog topic names of the app's tables (those this worker defines)."""
    names = []
    for table in getattr(app, "tables", {}).values():
        names.append(str(table.changelog_topic.get_topic_name()))
    return sorted(names)


def build_topics(names: Iterable[str], offsets: Offsets, committed: Mapping[TP, int],
                 consumed: Iterable[str]) -> list[TopicView]:
    """One view per topic; lag only on topics the group consumes."""
    reading = set(consumed)
    views = []
    for name in names:
        parts = []
        for p in offsets.partitions(name):
            tp = (name, p)
            first, end = offsets.beginning.get(tp, 0), offsets.end[tp]
            done = committed.get(tp)
            lag = partition_lag(end, done, first) if name in reading else None
            parts.append(PartitionView(p, first, end, done, lag))
        views.append(TopicView(name, topic_kind(name), bool(parts), parts))
    return views


async def load_topics(app: Any, settings: Settings) -> list[TopicView]:
    """Our topics and the app's changelog topics with offsets and the group's lag."""
    names = list(dict.fromkeys([*settings.topics.all(), *changelog_topics(app)]))
    committed = await fetch_committed(settings, settings.app_id)
    offsets = await fetch_offsets(settings, names)
    return build_topics(names, offsets, committed, consumed_topics(app, settings, committed))


def _by_topic(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for topic, partition in pairs:
        out.setdefault(topic, []).append(int(partition))
    return {t: sorted(ps) for t, ps in sorted(out.items())}


def decode_member(member: Mapping[str, Any]) -> MemberView:
    """A DescribeGroups member; Faust's assignor puts actives/standbys in user_data.

    Faust compresses a JSON ``ClientMetadata`` into the assignment's user data;
    when that cannot be read (another client library), the plain Kafka
    assignment is shown as the active partitions.
    """
    raw = member.get("member_assignment") or b""
    actives: dict[str, list[int]] = {}
    standbys: dict[str, list[int]] = {}
    url = None
    if raw:
        assignment = ConsumerProtocolMemberAssignment.decode(bytes(raw))
        actives = _by_topic((t, p) for t, ps in assignment.assignment for p in ps)
        try:
            meta = json.loads(zlib.decompress(assignment.user_data or b""))
            actives = _by_topic((t, p) for t, ps in meta["assignment"]["actives"].items()
                                for p in ps)
            standbys = _by_topic((t, p) for t, ps in meta["assignment"]["standbys"].items()
                                 for p in ps)
            url = str(meta.get("url") or "") or None
        except (zlib.error, ValueError, KeyError, TypeError, AttributeError):
            pass
    return MemberView(str(member.get("member_id", "")), str(member.get("client_id", "")),
                      str(member.get("client_host", "")), url, actives, standbys)


async def _describe_group(settings: Settings, group: str) -> dict[str, Any]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_list,
                                request_timeout_ms=10000, **client_kwargs(settings))
    await admin.start()
    try:
        for response in await admin.describe_consumer_groups([group]):
            for described in response.to_object().get("groups", []):
                if described.get("group") == group:
                    return dict(described)
        return {}
    finally:
        await admin.close()


def _own_assignment(app: Any) -> dict[str, list[int]]:
    try:
        return _by_topic((tp.topic, tp.partition) for tp in app.assignor.assigned_actives())
    except Exception:  # the assignor exists only once the worker joined the group
        return {}


async def load_workers(app: Any, settings: Settings) -> WorkerView:
    """The group's members and partitions, and this worker's assignment and recovery."""
    group = settings.app_id
    described = await _describe_group(settings, group)
    members = sorted((decode_member(m) for m in described.get("members", [])),
                     key=lambda m: (m.client_id, m.member_id))
    return WorkerView(group, str(described.get("state") or "unknown"), members,
                      _own_assignment(app), recovery_complete(app),
                      bool(getattr(app, "rebalancing", False)))
