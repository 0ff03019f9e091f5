"""Error classification without a network: HTTP statuses, Retry-After, e-mail addresses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.notify import (
    InvalidNotification,
    NotificationError,
    PermanentDeliveryError,
    TransientDeliveryError,
    check_address,
)
from adapters.notify._http import classify_status, parse_retry_after
from runtime.errors import PermanentError, TransientError


def test_error_tree() -> None:
    assert issubclass(TransientDeliveryError, NotificationError)
    assert issubclass(TransientDeliveryError, TransientError)
    assert issubclass(PermanentDeliveryError, NotificationError)
    assert issubclass(PermanentDeliveryError, PermanentError)
    assert issubclass(InvalidNotification, PermanentDeliveryError)
    assert not issubclass(TransientDeliveryError, PermanentError)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_delivered(status: int) -> None:
    classify_status("webhook", status)


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_transient(status: int) -> None:
    with pytest.raises(TransientDeliveryError) as caught:
        classify_status("webhook", status, "7")
    assert caught.value.status_code == status
    assert caught.value.retry_after == 7.0
    assert caught.value.channel == "webhook"


@pytest.mark.parametrize("status", [301, 302, 400, 401, 403, 404, 410, 413, 422])
def test_other_statuses_are_permanent(status: int) -> None:
    with pytest.raises(PermanentDeliveryError) as caught:
        classify_status("slack", status)
    assert caught.value.status_code == status
    assert str(caught.value) == f"slack endpoint answered HTTP {status}"


def test_retry_after_forms() -> None:
    now = datetime(2025, 11, 13, 10, 30, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Thu, 13 Nov 2025 10:31:00 GMT", now=now) == 60.0
    assert parse_retry_after("Thu, 13 Nov 2025 10:00:00 GMT", now=now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None


@pytest.mark.parametrize(
    ("value", "address"),
    [("a@example.com", "a@example.com"), ("Ada <ada@example.com>", "ada@example.com"),
     ("ops@localhost", "ops@localhost")],
)
def test_good_addresses(value: str, address: str) -> None:
    assert check_address(value) == address


@pytest.mark.parametrize(
    "value",
    ["", "not-an-address", "a@", "@example.com", "a b@example.com", "a@@example.com",
     "a@example..com", "a@.example.com", "a@example.com\r\nBcc: b@example.com",
     "x" * 250 + "@example.com"],
)
def test_bad_addresses_are_permanent(value: str) -> None:
    with pytest.raises(PermanentDeliveryError, match="malformed") as caught:
        check_address(value)
    assert value not in str(caught.value) or not value
