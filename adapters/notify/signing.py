"""Webhook signatures, Stripe/GitHub style.

The sender puts ``X-InterviewLM-Signature: t=<unix seconds>,v1=<hex>`` on every
webhook, where ``<hex>`` is ``HMAC-SHA256(secret, f"{t}.{body}")`` over the exact
body bytes. Signing the timestamp with the body lets a receiver reject replays:
:func:`verify_signature` refuses a header whose timestamp is more than
``tolerance_seconds`` away from now, and compares digests in constant time.

A header may carry several ``v1=`` entries (one per secret during a rotation);
it verifies when any of them matches.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["SIGNATURE_HEADER", "SIGNATURE_SCHEME", "compute_signature", "sign",
           "verify_signature"]

SIGNATURE_HEADER = "X-InterviewLM-Signature"
SIGNATURE_SCHEME = "v1"


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def compute_signature(secret: str | bytes, timestamp: int, body: str | bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` under ``secret``."""
    message = f"{int(timestamp)}.".encode("ascii") + _as_bytes(body)
    return hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def sign(secret: str | bytes, timestamp: int, body: str | bytes) -> str:
    """The full header value ``t=<timestamp>,v1=<hex digest>`` for ``body``."""
    digest = compute_signature(secret, timestamp, body)
    return f"t={int(timestamp)},{SIGNATURE_SCHEME}={digest}"


def _parse_header(header: str) -> tuple[int, list[str]] | None:
    """``(timestamp, [v1 digests])``, or None when the header is malformed."""
    timestamp: int | None = None
    digests: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return None
        if key == "t":
            if timestamp is not None or not value.isdigit():
                return None
            timestamp = int(value)
        elif key == SIGNATURE_SCHEME:
            digests.append(value)
    if timestamp is None or not digests:
        return None
    return timestamp, digests


def verify_signature(
    secret: str | bytes,
    header: str | None,
    body: str | bytes,
    tolerance_seconds: float = 300,
    now: float | None = None,
) -> bool:
    """True when ``header`` signs ``body`` under ``secret`` with a fresh timestamp.

    Returns False (never raises) for a missing or malformed header, a timestamp
    more than ``tolerance_seconds`` from ``now`` (either direction), or a digest
    that does not match. ``now`` defaults to the current Unix time.
    """
    if not header:
        return False
    parsed = _parse_header(header)
    if parsed is None:
        return False
    timestamp, digests = parsed
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = compute_signature(secret, timestamp, body).encode("ascii")
    matched = False
    for digest in digests:
        # Compare every entry so timing does not reveal which one matched.
        matched |= hmac.compare_digest(expected, digest.encode("utf-8", "replace"))
    return matched
