"""Errors raised by the notification adapters.

::

    WorkerError
    └── NotificationError                              anything adapters.notify raises
        ├── TransientDeliveryError  (TransientError)   retry later: timeouts, refused or dropped
        │                                              connections, HTTP 408/429/5xx, SMTP 4xx
        └── PermanentDeliveryError  (PermanentError)   retrying cannot help: HTTP 4xx other than
            │                                          408/429, redirects, SMTP 5xx, bad address
            └── InvalidNotification                    the event cannot be planned: unknown type,
                                                       missing or ill-typed data field

Each error also inherits the worker's ``TransientError`` or ``PermanentError``
so the notification agent decides "retry with backoff" or "record and move on"
without importing aiohttp or aiosmtplib. Messages carry the channel, status
codes and field names only: never an address, a name, a link or a URL (a Slack
incoming-webhook URL is itself a credential).
"""

from __future__ import annotations

from runtime.errors import PermanentError, TransientError, WorkerError

__all__ = [
    "InvalidNotification",
    "NotificationError",
    "PermanentDeliveryError",
    "TransientDeliveryError",
]


class NotificationError(WorkerError):
    """Root of every error the notification adapters raise."""

    def __init__(self, message: str, *, channel: str | None = None,
                 status_code: int | None = None) -> None:
        super().__init__(message)
        self.channel = channel
        self.status_code = status_code


class TransientDeliveryError(NotificationError, TransientError):
    """The delivery failed for a reason that may pass; send the same delivery again later.

    ``retry_after`` is the server's ``Retry-After`` hint in seconds, when it gave one.
    """

    def __init__(self, message: str, *, channel: str | None = None,
                 status_code: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, channel=channel, status_code=status_code)
        self.retry_after = retry_after


class PermanentDeliveryError(NotificationError, PermanentError):
    """The receiver refused the delivery and would refuse it again."""


class InvalidNotification(PermanentDeliveryError):
    """The notification event cannot be turned into deliveries (type or data is wrong)."""
