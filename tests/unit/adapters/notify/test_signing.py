"""Webhook signatures: format, a known vector, and every way verification must fail."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.notify import sign, verify_signature
from adapters.notify.signing import compute_signature

SECRET = "whsec_unit"
BODY = b'{"id":"k","type":"interview-invited"}'
T = 1_763_029_800


def test_header_format() -> None:
    assert re.fullmatch(r"t=1763029800,v1=[0-9a-f]{64}", sign(SECRET, T, BODY))


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert compute_signature(SECRET, T, BODY) == expected
    assert sign(SECRET, T, BODY) == f"t={T},v1={expected}"


def test_valid_signature_verifies() -> None:
    assert verify_signature(SECRET, sign(SECRET, T, BODY), BODY, now=T)
    assert verify_signature(SECRET.encode(), sign(SECRET, T, BODY), BODY.decode(), now=T + 299)


def test_tampered_body_fails() -> None:
    header = sign(SECRET, T, BODY)
    assert not verify_signature(SECRET, header, BODY.replace(b"invited", b"expired"), now=T)
    assert not verify_signature(SECRET, header, BODY + b" ", now=T)


def test_wrong_secret_fails() -> None:
    assert not verify_signature("whsec_other", sign(SECRET, T, BODY), BODY, now=T)


@pytest.mark.parametrize("offset", [301, -301, 86_400])
def test_stale_or_future_timestamp_fails(offset: int) -> None:
    assert not verify_signature(SECRET, sign(SECRET, T, BODY), BODY, now=T + offset)


def test_tolerance_is_configurable() -> None:
    header = sign(SECRET, T, BODY)
    assert verify_signature(SECRET, header, BODY, tolerance_seconds=3600, now=T + 3000)
    assert not verify_signature(SECRET, header, BODY, tolerance_seconds=10, now=T + 11)


def test_default_clock_is_now() -> None:
    import time

    now = int(time.time())
    assert verify_signature(SECRET, sign(SECRET, now, BODY), BODY)
    assert not verify_signature(SECRET, sign(SECRET, now - 600, BODY), BODY)


def test_replaced_timestamp_fails() -> None:
    digest = compute_signature(SECRET, T, BODY)
    assert not verify_signature(SECRET, f"t={T + 1},v1={digest}", BODY, now=T)


def test_any_matching_v1_entry_verifies_for_secret_rotation() -> None:
    old = compute_signature("whsec_old", T, BODY)
    new = compute_signature(SECRET, T, BODY)
    assert verify_signature(SECRET, f"t={T},v1={old},v1={new}", BODY, now=T)
    assert verify_signature("whsec_old", f"t={T},v1={old},v1={new}", BODY, now=T)


@pytest.mark.parametrize(
    "header",
    [None, "", "garbage", f"t={T}", "v1=abc", f"t=abc,v1={'0' * 64}", f"t=-{T},v1=00",
     f"t={T},t={T},v1=00", f"t={T},v1=\u00e9\u00e9", f"t={T} v1=00"],
)
def test_malformed_headers_fail_without_raising(header: str | None) -> None:
    assert not verify_signature(SECRET, header, BODY, now=T)


@given(body=st.binary(max_size=256), secret=st.text(min_size=1, max_size=40),
       timestamp=st.integers(min_value=0, max_value=2**40))
def test_round_trip(body: bytes, secret: str, timestamp: int) -> None:
    assert verify_signature(secret, sign(secret, timestamp, body), body, now=timestamp)
