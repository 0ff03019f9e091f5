"""E-mail over SMTP (aiosmtplib): one multipart/alternative message per delivery.

Error classification follows SMTP reply classes: 4xx replies (greylisting, a
full mailbox, "try again later") and network failures are transient; 5xx
replies (unknown user, relaying denied, bad credentials) and addresses we can
see are malformed are permanent.

The ``Message-ID`` is derived from the delivery's dedupe key, so if a send is
ever repeated anyway (e.g. the process died after the server accepted the
message but before the key was recorded) receiving systems can recognise the
duplicate.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from adapters.notify._observe import observe_send
from adapters.notify.errors import PermanentDeliveryError, TransientDeliveryError
from adapters.notify.models import Delivery
from runtime.settings import Settings

__all__ = ["EmailSender", "check_address"]

_CHANNEL = "email"


def check_address(value: str) -> str:
    """The bare address in ``value`` (``"Name <a@b>"`` or ``"a@b"``).

    Raises :class:`PermanentDeliveryError` when it is not a usable address; the
    message does not repeat the address.
    """
    if any(ch in value for ch in "\r\n\x00"):
        raise PermanentDeliveryError("recipient address is malformed", channel=_CHANNEL)
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if (not at or not local or not domain or len(address) > 254 or "@" in domain
            or any(ch.isspace() for ch in address) or domain.startswith(".")
            or domain.endswith(".") or ".." in domain):
        raise PermanentDeliveryError("recipient address is malformed", channel=_CHANNEL)
    return address


def _smtp_error(code: int, what: str) -> TransientDeliveryError | PermanentDeliveryError:
    message = f"SMTP server refused the {what} ({code})"
    if 400 <= code < 500:
        return TransientDeliveryError(message, channel=_CHANNEL, status_code=code)
    return PermanentDeliveryError(message, channel=_CHANNEL, status_code=code)


class EmailSender:
    """Sends e-mail deliveries through one SMTP server."""

    channel = _CHANNEL

    def __init__(
        self,
        *,
        hostname: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        start_tls: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self._hostname = hostname
        self._port = port
        self._sender = sender
        self._envelope_from = check_address(sender)
        self._username = username
        self._password = password
        self._start_tls = start_tls
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings, *, timeout: float = 30.0) -> EmailSender:
        """A sender for ``SMTP_HOST``/``SMTP_PORT`` with the configured credentials."""
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(hostname=settings.smtp_host, port=settings.smtp_port,
                   sender=settings.email_from, username=settings.smtp_username,
                   password=password, start_tls=settings.smtp_starttls, timeout=timeout)

    def build_message(self, delivery: Delivery) -> EmailMessage:
        """The MIME message for ``delivery``: text part first, HTML alternative second."""
        content = delivery.email()
        check_address(content.to)
        domain = self._envelope_from.rpartition("@")[2]
        digest = hashlib.sha256(delivery.dedupe_key.encode("utf-8")).hexdigest()[:40]
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = content.to
        message["Subject"] = content.subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = f"<{digest}@{domain}>"
        message["Auto-Submitted"] = "auto-generated"
        message["X-InterviewLM-Event"] = delivery.event_type
        message.set_content(content.text)
        message.add_alternative(content.html, subtype="html")
        return message

    async def send(self, delivery: Delivery) -> None:
        """Send ``delivery`` (an e-mail delivery); raise a delivery error on failure."""
        async with observe_send(_CHANNEL, delivery.event_type):
            message = self.build_message(delivery)
            await self._transmit(message, check_address(delivery.email().to))

    async def _transmit(self, message: EmailMessage, recipient: str) -> None:
        """Hand ``message`` to the server, translating aiosmtplib's errors."""
        try:
            await aiosmtplib.send(
                message, sender=self._envelope_from, recipients=[recipient],
                hostname=self._hostname, port=self._port, username=self._username,
                password=self._password, start_tls=self._start_tls, timeout=self._timeout)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients] or [550]
            raise _smtp_error(max(codes), "recipient") from None
        except aiosmtplib.SMTPResponseException as exc:
            raise _smtp_error(exc.code, "message") from None
        except aiosmtplib.SMTPNotSupported:
            raise PermanentDeliveryError("SMTP server lacks a required extension",
                                         channel=_CHANNEL) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(f"SMTP delivery failed ({type(exc).__name__})",
                                         channel=_CHANNEL) from None
