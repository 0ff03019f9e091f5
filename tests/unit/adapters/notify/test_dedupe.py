"""Dedupe keys: identical for a redelivered message, different for a different notification."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.notify import plan_deliveries
from tests.unit.adapters.notify.samples import evaluation, invitation, make_settings


def keys(event_type: str, data: dict[str, Any], **settings: Any) -> dict[str, str]:
    planned = plan_deliveries(event_type, data, make_settings(**settings))
    return {d.channel: d.dedupe_key for d in planned}


def test_key_format_names_type_session_and_channel() -> None:
    for channel, key in keys("evaluation-complete", evaluation()).items():
        event_type, session_id, key_channel, digest = key.split(":")
        assert (event_type, session_id, key_channel) == ("evaluation-complete", "sess-1", channel)
        assert len(digest) == 32 and int(digest, 16) >= 0


def test_redelivered_message_gets_the_same_keys() -> None:
    assert keys("interview-invited", invitation()) == keys("interview-invited", invitation())


def test_key_digest_follows_the_documented_recipe() -> None:
    # A changed recipe would re-send every notification whose message is redelivered
    # after a deploy; this pins it: sha256 over sorted compact JSON of the identity
    # fields (for evaluation-complete: the evaluation id and rubric version only).
    fields = {"evaluationId": "eval-7", "rubricVersion": "2024.1"}
    material = {"type": "evaluation-complete", "channel": "slack", "fields": fields}
    encoded = json.dumps(material, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(encoded).hexdigest()[:32]
    assert keys("evaluation-complete", evaluation(rubricVersion="2024.1"))["slack"] == (
        f"evaluation-complete:sess-1:slack:{digest}")
    assert digest == "856148730b8ac16ee4a08ef8469072b9"


def test_equivalent_encodings_give_the_same_keys() -> None:
    base = keys("evaluation-complete", evaluation())
    assert keys("evaluation-complete", evaluation(timestamp="2025-11-13T10:30:00+00:00")) == base
    assert keys("evaluation-complete", evaluation(timestamp="2025-11-13T11:30:00+01:00")) == base
    assert keys("evaluation-complete", evaluation(overallScore=77.50)) == base
    assert keys("evaluation-complete", evaluation(sessionId=" sess-1 ")) == base


def test_extra_fields_and_template_inputs_do_not_change_keys() -> None:
    base = keys("interview-invited", invitation())
    assert keys("interview-invited", invitation(eventId="x", unknownField=[1, 2])) == base


def test_different_notifications_get_different_keys() -> None:
    base = keys("interview-reminder", invitation())
    later = keys("interview-reminder", invitation(timestamp="2025-11-14T10:30:00Z"))
    assert set(base.values()).isdisjoint(later.values())
    other_type = keys("interview-expired", invitation())
    assert set(base.values()).isdisjoint(other_type.values())
    other = keys("evaluation-complete", evaluation(evaluationId="eval-8"))
    assert set(other.values()).isdisjoint(keys("evaluation-complete", evaluation()).values())
    rescored = keys("evaluation-complete", evaluation(overallScore=78))
    assert rescored == keys("evaluation-complete", evaluation()), "same evaluation, same news"


def test_every_channel_has_its_own_key() -> None:
    planned = keys("evaluation-complete", evaluation())
    assert len(set(planned.values())) == 3


def test_recipient_change_changes_only_the_email_key() -> None:
    before = keys("evaluation-complete", evaluation())
    after = keys("evaluation-complete", evaluation(), recruiter_email="other@example.com")
    assert before["email"] != after["email"]
    assert before["webhook"] == after["webhook"] and before["slack"] == after["slack"]


def test_recipient_case_does_not_change_the_key() -> None:
    before = keys("evaluation-complete", evaluation())
    after = keys("evaluation-complete", evaluation(), recruiter_email="Recruiting@Example.com")
    assert before["email"] == after["email"]


@given(st.permutations(list(invitation().items())))
def test_field_order_does_not_matter(items: list[tuple[str, Any]]) -> None:
    assert keys("interview-invited", dict(items)) == keys("interview-invited", invitation())
