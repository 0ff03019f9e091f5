"""Shared HTTP POST for the webhook and Slack senders, with error classification.

=========================================  ==========================
what happened                              raised
=========================================  ==========================
2xx                                        nothing (delivered)
408, 429, 5xx                              TransientDeliveryError
any other status (3xx, 4xx)                PermanentDeliveryError
timeout, refused or dropped connection     TransientDeliveryError
URL that cannot be requested               PermanentDeliveryError
=========================================  ==========================

Redirects are not followed: a webhook endpoint that redirects is misconfigured,
and following it would re-POST signed data to a host nobody configured.
Errors name the channel and status only, never the URL (Slack's incoming
webhook URL is a credential).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp

from adapters.notify.errors import (
    NotificationError,
    PermanentDeliveryError,
    TransientDeliveryError,
)

__all__ = ["USER_AGENT", "classify_status", "parse_retry_after", "post_json"]

USER_AGENT = "InterviewLM-Notifier/1"
_RETRYABLE = frozenset({408, 425, 429})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def classify_status(channel: str, status: int, retry_after: str | None = None) -> None:
    """Return for a 2xx status; otherwise raise the matching delivery error."""
    if 200 <= status < 300:
        return
    message = f"{channel} endpoint answered HTTP {status}"
    if status in _RETRYABLE or status >= 500:
        raise TransientDeliveryError(message, channel=channel, status_code=status,
                                     retry_after=parse_retry_after(retry_after))
    raise PermanentDeliveryError(message, channel=channel, status_code=status)


async def _post(session: aiohttp.ClientSession, channel: str, url: str, body: bytes,
                headers: Mapping[str, str], timeout: float) -> None:
    all_headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    async with session.post(url, data=body, headers=all_headers, allow_redirects=False,
                            timeout=aiohttp.ClientTimeout(total=timeout)) as response:
        classify_status(channel, response.status, response.headers.get("Retry-After"))


async def post_json(
    channel: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    session: aiohttp.ClientSession | None = None,
) -> None:
    """POST ``body`` (already-encoded JSON) to ``url`` and classify the outcome.

    Uses ``session`` when given (the caller owns and closes it); otherwise a
    short-lived session for this one request.
    """
    try:
        if session is not None:
            await _post(session, channel, url, body, headers, timeout)
            return
        async with aiohttp.ClientSession() as own:
            await _post(own, channel, url, body, headers, timeout)
    except NotificationError:
        raise
    except (aiohttp.InvalidURL, ValueError) as exc:
        raise PermanentDeliveryError(f"{channel} URL cannot be requested ({type(exc).__name__})",
                                     channel=channel) from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise TransientDeliveryError(f"{channel} request failed ({type(exc).__name__})",
                                     channel=channel) from None
