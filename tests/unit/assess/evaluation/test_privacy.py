"""PII scrubbing before text leaves the process."""

from __future__ import annotations

import re

import pytest

from assess.evaluation import DEFAULT_RUBRIC, build_llm_request, score_session
from assess.privacy import identity_terms, scrub
from assess.recording import RecordedEvent
from tests.unit.assess.evaluation.sessions import Recorder, good_session


@pytest.mark.parametrize("text, expected", [
    ("mail me at ada.l+work@example.co.uk please", "mail me at [email] please"),
    ("call +44 20 7946 0958, or (555) 123-4567.", "call [phone], or [phone]."),
    ("office 555.123.4567 / 555-123-4567", "office [phone] / [phone]"),
    ("intl +15551234567.", "intl [phone]."),
    ("see https://ada.dev/cv?id=7 and www.example.com.", "see [url] and [url]."),
    ("<http://x.io/a>", "<[url]>"),
])
def test_patterns_are_replaced(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize("text", [
    "x = 3.14159 * 2",
    "range(1000000)",
    "on 2024-01-15 the build broke",
    "host 10.0.0.1 port 8080",
    "[10, 20, 30]",
    "version 1.2.3",
    "merge([[1, 4], [4, 5]])",
])
def test_code_and_numbers_survive(text: str) -> None:
    assert scrub(text) == text


def test_known_names_and_ids_are_replaced_as_whole_words() -> None:
    text = "Hi, Ada Lovelace here (CAND-42). Ada wrote this; LOVELACE agrees. Adamant Ada_x"
    out = scrub(text, known=["Ada Lovelace", "cand-42"])
    assert out == ("Hi, [candidate] here ([candidate]). [candidate] wrote this; "
                   "[candidate] agrees. Adamant Ada_x")


def test_a_lower_case_word_is_not_a_name() -> None:
    """Lower-case ``max`` and ``len`` are words and builtins, never the candidate "Max Len"."""
    text = "Max Len here: max(last_end, end) fails when len(xs) is the max len."
    assert scrub(text, known=["Max Len"]) == (
        "[candidate] here: max(last_end, end) fails when len(xs) is the max len.")


@pytest.mark.parametrize("text", [
    "Max(a, b)", "Math.Max(a, b)", "x.Max", "Max.value", "$Max", "Len::new()", "p->Max",
    "Max[0]", "Max_Len", "MaxLen",
])
def test_names_in_a_code_position_are_kept(text: str) -> None:
    assert scrub(text, known=["Max Len"]) == text


def test_names_in_scripts_without_case_match_inside_text() -> None:
    assert scrub("我是王小明。谢谢", known=["王小明"]) == "我是[candidate]。谢谢"


def test_short_ids_are_not_scrubbed() -> None:
    assert scrub("42 tests passed", known=["42"]) == "42 tests passed"


def test_known_emails_and_empty_terms() -> None:
    assert scrub("ping ada@example.com", known=["ada@example.com", "", "  "]) == "ping [email]"


def test_scrub_is_idempotent() -> None:
    text = "Ada Lovelace, ada@example.com, +44 20 7946 0958, https://ada.dev"
    once = scrub(text, known=["Ada Lovelace"])
    assert scrub(once, known=["Ada Lovelace"]) == once


def test_identity_terms_come_from_identity_fields_only() -> None:
    events = good_session(candidate_id="cand-9", candidateName="Grace Hopper",
                          candidateEmail="grace@example.org")
    assert identity_terms(events) == ["cand-9", "grace@example.org", "Grace Hopper"]


MAX_LEN_CODE = '''"""Merge overlapping intervals. Author: Max Len."""


def merge(intervals: list[list[int]]) -> list[list[int]]:
    """Return the merged intervals, sorted by start (written by Max)."""
    out: list[list[int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            last_end = out[-1][1]
            out[-1][1] = max(last_end, end)
        else:
            out.append([start, end])
    return out
'''


def _max_len_session() -> list[RecordedEvent]:
    rec = Recorder(candidate_id="cand-1234")
    rec.start(candidateName="Max Len", candidateEmail="max@len.dev")
    rec.ask(30, "I'm Max Len. Why does max(last_end, end) keep two touching intervals?")
    rec.edit(60, MAX_LEN_CODE)
    rec.test(90, passed=8)
    rec.edit(120, MAX_LEN_CODE)
    rec.test(150, passed=10)
    rec.complete(300, MAX_LEN_CODE)
    return rec.events


def test_evidence_loses_only_the_name_when_the_name_is_code() -> None:
    """Scored with and without redaction, evidence differs only where the name was."""
    session = _max_len_session()
    plain = score_session(session)
    redacted = score_session(session, redact=identity_terms(session))
    pairs = [(a, b) for da, db in zip(plain.dimensions, redacted.dimensions, strict=True)
             for a, b in zip(da.evidence, db.evidence, strict=True)]
    snippets = [b.snippet or "" for _, b in pairs]
    assert any("max(last_end, end)" in s for s in snippets)
    assert not any("Max" in s or "Len" in s for s in snippets)
    for raw, clean in pairs:
        # The personal data: the name, in full or a part, written as a name (capitalised).
        expected = re.sub(r"\bMax Len\b|\bMax\b|\bLen\b", "[candidate]", raw.snippet or "")
        assert (clean.snippet or "") == expected
        assert clean.event_id == raw.event_id and clean.file_path == raw.file_path


def test_llm_request_keeps_code_that_uses_the_name_parts() -> None:
    _system, _rubric, user_text = build_llm_request(_max_len_session(), DEFAULT_RUBRIC)
    assert "out[-1][1] = max(last_end, end)" in user_text
    assert "Why does max(last_end, end) keep" in user_text
    assert "Max" not in user_text and "Len" not in user_text
    assert "Author: [candidate]." in user_text and "(written by [candidate])" in user_text
