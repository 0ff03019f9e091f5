"""PII scrubbing before text leaves the process."""

from __future__ import annotations

import pytest

from assess.privacy import identity_terms, scrub
from tests.unit.evaluation.sessions import good_session


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
    text = "Hi, Ada Lovelace here (cand-42). ada wrote this; Lovelace agrees. adamant ada_x"
    out = scrub(text, known=["Ada Lovelace", "cand-42"])
    assert out == ("Hi, [candidate] here ([candidate]). [candidate] wrote this; "
                   "[candidate] agrees. adamant ada_x")


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
