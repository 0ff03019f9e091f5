"""The board's pure parts for operators, on plain values: the search filter, what the
payload and error redaction lets through, a job's attempt history, and the job,
session and confirmation pages (escaping, no candidate text, exact id lists)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from interviewlm.admin.filters import JobFilter, parse_filter
from interviewlm.admin.model import FailedJobRow
from interviewlm.admin.pages import JobDetail, SessionEvent, SessionView, ThetaRow, attempt_history
from interviewlm.admin.redact import SHOWN_KEYS, redact_error, redact_headers, redact_payload
from interviewlm.admin.render import confirm_page, job_page, session_page
from interviewlm.admin.views import notice_for, refresh_seconds

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _job(**overrides: Any) -> FailedJobRow:
    values: dict[str, Any] = dict(
        id=7, worker="interview-agent", source_topic="t.interview", partition=1, offset=42,
        error_type="InvalidEvent", error_message="data.passed: bad <b>", stack_trace="",
        attempts=3, status="failed", first_failed_at=NOW, last_failed_at=NOW, retried_at=None,
        reason="invalid", session_id="s-<1>")
    values.update(overrides)
    return FailedJobRow(**values)


# --- the search filter -------------------------------------------------------------------

def test_filter_reads_every_field_and_drops_junk() -> None:
    where = parse_filter({"topic": "t.interview", "reason": "malformed", "session": "s-1",
                          "status": "failed", "since": "2026-01-05T08:00",
                          "until": "2026-01-05T10:00+01:00"})
    assert (where.topic, where.reason, where.session_id, where.status) == (
        "t.interview", "malformed", "s-1", "failed")
    assert where.since == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    assert where.until == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    junk = parse_filter({"status": "gone", "since": "yesterday", "topic": "x" * 500,
                         "session": "a\nb"})
    assert not junk.active and len(junk.problems) == 4
    assert parse_filter({}) == JobFilter() and not JobFilter().active


texts = st.one_of(st.none(), st.text(max_size=30))
times = st.one_of(st.none(), st.datetimes(min_value=datetime(2000, 1, 1),
                                          max_value=datetime(2100, 1, 1),
                                          timezones=st.just(UTC)))


@given(topic=texts, reason=texts, session=texts, status=st.sampled_from([None, "failed",
                                                                          "retried"]),
       since=times, until=times)
def test_filter_round_trips_through_its_query_string(topic: str | None, reason: str | None,
                                                     session: str | None,
                                                     status: str | None,
                                                     since: datetime | None,
                                                     until: datetime | None) -> None:
    first = parse_filter({"topic": topic, "reason": reason, "session": session,
                          "status": status, "since": since.isoformat() if since else None,
                          "until": until.isoformat() if until else None})
    again = parse_filter(dict(parse_qsl(first.query())))
    assert again == first


@given(st.dictionaries(st.sampled_from(["topic", "reason", "session", "status", "since",
                                        "until", "page"]), st.text(max_size=300)))
def test_filter_never_raises_on_any_query(query: dict[str, str]) -> None:
    where = parse_filter(query)
    for value in (where.topic, where.reason, where.session_id):
        assert value is None or (0 < len(value) <= 200 and value == value.strip())
    assert where.status in (None, "failed", "retried")


# --- redaction ---------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(min_size=1, max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(
                                ["sessionId", "type", "candidateMessage", "code", "email",
                                 "passed", "files", "note"]), inner, max_size=4)),
    max_leaves=12)


def _strings(value: Any, key: str | None = None) -> list[tuple[str | None, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    return [(key, value)] if isinstance(value, str) else []


@given(json_values)
def test_redaction_keeps_shape_and_drops_text_of_other_keys(value: Any) -> None:
    shown, is_json = redact_payload(json.dumps(value).encode())
    assert is_json
    redacted = json.loads(shown)
    for (key, before), (_, after) in zip(_strings(value), _strings(redacted), strict=True):
        if key in SHOWN_KEYS:
            assert after == before
        else:
            assert after == f"[redacted: {len(before)} characters]"
    assert [type(x) for x in _leaves(redacted)] == [type(x) for x in _leaves(value)]


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v)]
    return [value]


def test_redaction_of_non_json_errors_and_headers() -> None:
    shown, is_json = redact_payload(b'{"type": "test-run", "data": <truncated')
    assert not is_json and "<truncated" not in shown and "withheld" in shown
    error = ("1 validation error: Input should be a valid integer [type=int_parsing, "
             "input_value='my secret answer', input_type=str] mail ann@example.com")
    assert redact_error(error) == ("1 validation error: Input should be a valid integer "
                                   "[type=int_parsing, input_value=[redacted], input_type=str]"
                                   " mail [e-mail redacted]")
    headers = redact_headers([("x-dlq-error", "input_value='code here'"), ("x-attempt", "3"),
                              ("traceparent", "00-abc-def-01"), ("note", "free text here!")])
    assert headers == [("x-dlq-error", "input_value=[redacted]"), ("x-attempt", "3"),
                       ("traceparent", "00-abc-def-01"),
                       ("note", "[redacted: 15 characters]")]


# --- attempt history ------------------------------------------------------------------------

def test_attempt_history_tells_the_story_in_order() -> None:
    later = NOW + timedelta(minutes=5)
    job = _job(first_failed_at=NOW, last_failed_at=NOW + timedelta(minutes=1),
               retried_at=NOW + timedelta(minutes=2), status="retried")
    history = attempt_history(job, {"x-attempt": "3", "x-last-error": "TransientError: db",
                                    "x-retry-of-failed-job": "4"}, [(9, later, "InvalidEvent")])
    assert [a.what for a in history] == [
        "Republished from failed job 4", "Attempts 1 to 2 failed", "Dead-lettered (invalid)",
        "Failed again (redelivered)", "Republished to t.interview", "Failed again as job 9"]
    assert history[0].job_id == 4 and history[-1].job_id == 9
    assert "last error: TransientError: db" in history[1].detail
    assert [a.what for a in attempt_history(_job(reason=""), {}, [])] == ["Dead-lettered"]


# --- pages ----------------------------------------------------------------------------------

def test_job_page_shows_redacted_payload_headers_stack_and_history() -> None:
    payload, _ = redact_payload(json.dumps({"type": "ai-interaction", "data": {
        "sessionId": "s-<1>", "candidateMessage": "my name is Ann", "tokens": 12}}).encode())
    job = _job(stack_trace='File "x.py"\n  raise Bad("<b>")')
    detail = JobDetail(job, payload, True, [("x-dlq-reason", "invalid")],
                       attempt_history(job, {}, []))
    page = job_page(detail, csrf="c" * 40)
    assert "my name is Ann" not in page and "[redacted: 14 characters]" in page
    assert "&#34;tokens&#34;: 12" in page or "&quot;tokens&quot;: 12" in page
    assert 'raise Bad(&#34;&lt;b&gt;&#34;)' in page and "bad <b>" not in page
    assert "x-dlq-reason" in page and 'id="stack-trace"' in page
    assert 'href="/admin/sessions/s-%3C1%3E"' in page
    assert 'name="one" value="7" formaction="/admin/failed/purge"' in page


def test_session_page_lists_events_in_order_with_the_theta_band_and_evidence() -> None:
    view = SessionView(
        "s-1", {"theta": 0.4, "se": 0.5, "questions_answered": 2, "correct": 1,
                "incorrect": 1, "ai_interactions": 1, "avg_prompt_quality": None,
                "ai_dependency": 0.2, "test_failure_rate": None, "current_difficulty": 5,
                "recommended_difficulty": 6, "struggle_indicators": ["stuck_on_tests"],
                "estimate_stable": False, "events_applied": 3, "started_at": NOW,
                "completed_at": None},
        [SessionEvent(0, 1, "session-started", NOW, {"difficulty": 5}),
         SessionEvent(0, 2, "question-answered", NOW, {"correct": True, "answer": "9 chars"})],
        [ThetaRow(1, NOW, 0.1, 0.9, "q1", 1.0), ThetaRow(2, NOW, 0.4, 0.5, "q2", 0.0)],
        [{"name": "stuck_on_tests", "first_at": NOW, "event_id": "e", "detail": "3 fails"}],
        {"evaluation_id": "ev-1", "mode": "offline", "overallScore": 71.5,
         "overallConfidence": 0.6, "needsReview": False, "flags": [],
         "dimensions": {"code_quality": {"score": 70.0, "confidence": 0.7,
                                         "methods": ["static"], "missing": [],
                                         "evidence": [{"description": "ran <tests>",
                                                       "eventType": "test-run",
                                                       "filePath": "a.py", "line": 3,
                                                       "value": None,
                                                       "snippet_chars": 40}]}}})
    page = session_page(view, csrf=None)
    types = re.findall(r'<tr class="event" data-type="([a-z-]+)">', page)
    assert types == ["session-started", "question-answered"]
    assert 'class="se-band"' in page and page.count('class="theta-row"') == 2
    assert "ran &lt;tests&gt;" in page and "snippet of 40 characters withheld" in page
    assert 'data-value="71.5"' in page and "stuck_on_tests" in page


def test_confirm_page_names_exactly_the_ids_it_will_act_on() -> None:
    page = confirm_page("purge", "Delete", [3, 5, 8], JobFilter(topic="t.interview"),
                        back="https://evil.example/", csrf="tok")
    assert re.findall(r'<input type="hidden" name="id" value="(\d+)">', page) == ["3", "5", "8"]
    assert 'name="confirm" value="1"' in page and 'data-ids="3,5,8"' in page
    assert 'href="/admin/queues" id="cancel"' in page  # never back to another site
    assert "Nothing to retry" in confirm_page("retry", "Republish", [], JobFilter(),
                                              back="/admin/queues", csrf=None)


def test_notices_and_refresh_only_take_known_values() -> None:
    assert notice_for({"paused": "interview"}) == (
        "The interview agent's consumption on this worker is paused.")
    assert notice_for({"paused": "<script>"}) is None
    assert refresh_seconds({"refresh": "10"}) == 10 and refresh_seconds({"refresh": "1"}) == 5
    assert refresh_seconds({"refresh": "x"}) is None and refresh_seconds({}) is None
