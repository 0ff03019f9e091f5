"""The board's pure parts on plain values (no broker, no database): lag arithmetic,
histogram quantiles, throughput windows, session cookies and CSRF, HTML escaping,
and decoding of consumer-group assignments."""

from __future__ import annotations

import json
import math
import zlib
from datetime import UTC, datetime

import pytest
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from prometheus_client import CollectorRegistry, Counter, Histogram

from adapters.lag import Offsets, consumer_lag, partition_lag
from interviewlm.admin import auth
from interviewlm.admin.kafka_info import build_topics, decode_member, topic_kind
from interviewlm.admin.model import FailedJobRow, JobPage, TopicView, WorkerView
from interviewlm.admin.render import board_page
from interviewlm.admin.stats import Snapshot, Window, histogram_quantile, read_registry, summarize
from interviewlm.admin.views import notice_for

KEY = "k" * 32
INF = math.inf


# --- lag ---------------------------------------------------------------------------

@pytest.mark.parametrize(("end", "committed", "beginning", "lag"), [
    (10, 4, 0, 6),
    (10, 10, 0, 0),
    (10, None, 0, 10),      # never committed: everything retained is still to read
    (10, -1, 0, 10),        # -1 is Kafka's "no offset"
    (10, None, 7, 3),       # retention deleted offsets 0..6
    (10, 2, 7, 3),          # committed before the retained start: the group restarts there
    (10, 12, 0, 0),         # a stale end offset never gives negative lag
])
def test_partition_lag(end: int, committed: int | None, beginning: int, lag: int) -> None:
    assert partition_lag(end, committed, beginning) == lag


def test_consumer_lag_per_partition_and_topic_filter() -> None:
    end = {("a", 0): 5, ("a", 1): 7, ("b", 0): 3}
    assert consumer_lag(end, {("a", 0): 5}) == {("a", 0): 0, ("a", 1): 7, ("b", 0): 3}
    assert consumer_lag(end, {}, topics=["b"]) == {("b", 0): 3}


def test_build_topics_counts_messages_and_lag_only_where_consumed() -> None:
    offsets = Offsets({("t.interview", 0): 2, ("t.interview", 1): 0, ("t.interview.dlq", 0): 0},
                      {("t.interview", 0): 10, ("t.interview", 1): 4, ("t.interview.dlq", 0): 1})
    views = build_topics(["t.interview", "t.interview.dlq", "t.evaluation"], offsets,
                         {("t.interview", 0): 9}, ["t.interview"])
    source, dlq, missing = views
    assert (source.messages, source.lag) == (12, 1 + 4)
    assert [p.lag for p in source.partitions] == [1, 4]
    assert (dlq.kind, dlq.messages, dlq.lag) == ("dead-letter", 1, None)
    assert (missing.exists, missing.messages, missing.partitions) == (False, 0, [])
    assert [topic_kind(n) for n in ("x", "x.retry", "x.dlq", "app-session-state-changelog")] \
        == ["source", "retry", "dead-letter", "changelog"]


# --- quantiles and throughput ----------------------------------------------------------

def test_quantile_interpolates_inside_the_bucket() -> None:
    buckets = [(0.1, 50.0), (0.5, 90.0), (1.0, 100.0), (INF, 100.0)]
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.1)
    assert histogram_quantile(0.25, buckets) == pytest.approx(0.05)
    assert histogram_quantile(0.7, buckets) == pytest.approx(0.1 + 0.4 * 20 / 40)
    assert histogram_quantile(0.99, buckets) == pytest.approx(0.5 + 0.5 * 9 / 10)
    assert histogram_quantile(0.0, buckets) == 0.0


def test_quantile_edge_cases() -> None:
    assert histogram_quantile(0.5, []) is None
    assert histogram_quantile(0.5, [(0.1, 0.0), (INF, 0.0)]) is None
    # A rank in the +Inf bucket: the largest finite bound is the best estimate.
    assert histogram_quantile(0.99, [(0.1, 1.0), (1.0, 2.0), (INF, 10.0)]) == 1.0
    # Empty leading buckets are skipped, not divided by zero.
    assert histogram_quantile(0.0, [(0.1, 0.0), (0.5, 4.0), (INF, 4.0)]) == 0.1
    # Order of the input does not matter.
    assert histogram_quantile(0.5, [(INF, 4.0), (1.0, 4.0), (0.5, 2.0)]) == 0.5
    with pytest.raises(ValueError):
        histogram_quantile(1.5, [(INF, 1.0)])


def test_quantile_tracks_a_known_distribution() -> None:
    """Uniform samples on [0, 1): the estimate is within one bucket width of the truth."""
    bounds = [i / 20 for i in range(1, 21)] + [INF]
    samples = [i / 10_000 for i in range(10_000)]
    buckets = [(le, float(sum(1 for s in samples if s <= le))) for le in bounds]
    for q in (0.5, 0.95, 0.99):
        assert histogram_quantile(q, buckets) == pytest.approx(q, abs=0.05)


def test_read_registry_and_window_rates() -> None:
    registry = CollectorRegistry()
    events = Counter("interviewlm_events_processed_total", "", ["topic", "type", "outcome"],
                     registry=registry)
    timing = Histogram("interviewlm_processing_duration_seconds", "", ["agent"],
                       buckets=(0.01, 0.1, 1), registry=registry)
    events.labels("interview", "code-changed", "ok").inc(10)
    events.labels("interview", "test-run", "ok").inc(5)
    timing.labels("interview").observe(0.5)
    before = read_registry(registry, at=100.0)
    assert before.processed == {("interview", "ok"): 15.0}
    events.labels("interview", "test-run", "ok").inc(30)
    events.labels("interview", "bad", "dead_letter").inc(2)
    for _ in range(9):
        timing.labels("interview").observe(0.005)
    now = read_registry(registry, at=110.0)
    stats = summarize(now, before)
    assert stats.window_seconds == 10.0 and stats.events_in_window == 32.0
    assert stats.events_per_second == pytest.approx(3.2) and stats.events_total == 47.0
    assert ("interview", "ok", 45.0, 3.0) in stats.by_topic
    (agent,) = stats.timings
    # Only the window's nine fast batches count, not the slow one before it.
    assert agent.scope == "window" and agent.batches == 9.0
    assert agent.quantiles[0.99] is not None and agent.quantiles[0.99] <= 0.01
    since_start = summarize(now, None).timings[0]
    assert since_start.scope == "since start" and since_start.batches == 10.0


def test_window_baseline_is_about_the_window_old() -> None:
    window = Window(seconds=60)
    assert window.baseline(10.0) is None
    for at in (0.0, 30.0, 50.0, 80.0):
        window.add(Snapshot(at))
    assert window.baseline(100.0).at == 30.0  # type: ignore[union-attr]
    assert window.baseline(55.0).at == 0.0  # type: ignore[union-attr]


# --- auth -----------------------------------------------------------------------------

def test_session_cookie_round_trip_expiry_and_tampering() -> None:
    value = auth.sign_session(KEY, now=1000.0, ttl=60)
    assert auth.verify_session(KEY, value, now=1059.0)
    assert not auth.verify_session(KEY, value, now=1061.0)
    assert not auth.verify_session("another-key", value, now=1001.0)
    payload, sig = value.split(".")
    later = auth.sign_session(KEY, now=9000.0, ttl=60).split(".")[0]
    assert not auth.verify_session(KEY, f"{later}.{sig}", now=1001.0)  # payload swapped
    assert not auth.verify_session(KEY, f"{payload}.{'A' * len(sig)}", now=1001.0)
    for junk in (None, "", "a.b", "x.y.z", "1.2.3.4", payload):
        assert not auth.verify_session(KEY, junk, now=0.0)
    assert KEY not in value


def test_check_access_and_csrf() -> None:
    session = auth.sign_session(KEY, now=1000.0)
    assert auth.check_access(None, KEY, session, 1000.0).method == "disabled"
    assert auth.check_access("", KEY, None, 1000.0).method == "disabled"
    assert auth.check_access(KEY, KEY, None, 1000.0).method == "header"
    assert auth.check_access(KEY, None, session, 1000.0).method == "cookie"
    assert auth.check_access(KEY, "wrong", session, 1000.0).method == "denied"
    assert auth.check_access(KEY, None, None, 1000.0).method == "denied"
    token = auth.csrf_token(KEY, session)
    assert auth.csrf_ok(KEY, session, token)
    assert not auth.csrf_ok(KEY, auth.sign_session(KEY, now=1000.0), token)
    assert not auth.csrf_ok(KEY, session, None) and not auth.csrf_ok(None, session, token)


def test_cookie_flags_and_safe_redirects() -> None:
    cookie = auth.session_cookie("v", secure=False)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert "; Secure" in auth.session_cookie("v", secure=True)
    assert "Max-Age=0" in auth.clear_cookie(secure=False)
    assert auth.safe_next("/admin/queues?page=2") == "/admin/queues?page=2"
    for bad in (None, "", "https://evil.example/", "//evil.example", "/other",
                "/admin\\..", "/admin/x\r\nSet-Cookie: a=b"):
        assert auth.safe_next(bad) == "/admin/queues"


# --- rendering ---------------------------------------------------------------------------

def _job(**overrides: object) -> FailedJobRow:
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    values: dict[str, object] = dict(
        id=7, worker="interview-agent", source_topic="t.interview", partition=1, offset=42,
        error_type="MalformedMessage", error_message="<script>alert(1)</script>",
        stack_trace='File "x.py", line 1\n  raise Bad("<b>")', attempts=3, status="failed",
        first_failed_at=now, last_failed_at=now, retried_at=None)
    values.update(overrides)
    return FailedJobRow(**values)  # type: ignore[arg-type]


def test_board_escapes_everything_from_outside() -> None:
    topics = [TopicView('t."><img src=x>', "source", True, [])]
    worker = WorkerView("g<1>", "Stable", [], {}, True, False)
    jobs = JobPage([_job()], 1, 20, 1, 1)
    page = board_page(topics=topics, group="g<1>", stats=summarize(Snapshot(1.0), None),
                      worker=worker, jobs=jobs, csrf="c" * 64)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x>" not in page and "&lt;b&gt;" in page and "g&lt;1&gt;" in page
    # The selection form, the topic's Clean button and logout each carry the token.
    assert page.count('name="csrf" value="' + "c" * 64 + '"') == 3
    assert 'formaction="/admin/failed/retry"' in page and 'action="/admin/failed/purge"' in page
    assert "<details><summary>stack trace</summary>" in page


def test_retried_jobs_have_no_retry_button_and_pages_link() -> None:
    jobs = JobPage([_job(status="retried")], 2, 20, 45, 0)
    page = board_page(topics=[], group="g", stats=summarize(Snapshot(1.0), None),
                      worker=WorkerView("g", "Empty", [], {}, False, True), jobs=jobs,
                      csrf=None)
    assert 'name="one" value="7" formaction="/admin/failed/retry"' not in page
    assert 'name="one" value="7" formaction="/admin/failed/purge"' in page
    assert "page 2 of 3" in page and "?page=1" in page and "?page=3" in page
    assert 'name="csrf"' not in page  # API-key access: no session, no token


def test_notice_never_echoes_input() -> None:
    assert notice_for({"retried": "3"}) == "Republished 3 failed job(s) to their source topics."
    assert notice_for({"retried": "<b>"}) is None and notice_for({}) is None


# --- consumer-group assignments -----------------------------------------------------------

def test_decode_member_reads_faust_user_data() -> None:
    meta = {"assignment": {"actives": {"t.interview": [2, 0]},
                           "standbys": {"app-session-state-changelog": [1]}},
            "url": "http://10.0.0.5:6066"}
    raw = ConsumerProtocolMemberAssignment(
        0, [("t.interview", [0, 2]), ("app-session-state-changelog", [1])],
        zlib.compress(json.dumps(meta).encode())).encode()
    member = decode_member({"member_id": "m1", "client_id": "faust", "client_host": "/10.0.0.5",
                            "member_assignment": raw})
    assert member.actives == {"t.interview": [0, 2]}
    assert member.standbys == {"app-session-state-changelog": [1]}
    assert member.url == "http://10.0.0.5:6066"


def test_decode_member_falls_back_to_the_plain_assignment() -> None:
    raw = ConsumerProtocolMemberAssignment(0, [("t.interview", [1, 3])], b"").encode()
    member = decode_member({"member_id": "m", "member_assignment": raw})
    assert member.actives == {"t.interview": [1, 3]} and member.standbys == {}
    assert decode_member({"member_id": "idle"}).actives == {}
