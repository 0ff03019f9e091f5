"""Who may use the admin board: the API key header, or a signed session cookie.

Pure functions over strings and times; the views feed them request headers.

* Machines send ``x-internal-api-key: <INTERNAL_API_KEY>``.
* People log in once at ``/admin/login`` with the same key and get a session
  cookie: ``{"e": <expiry, unix s>, "n": <nonce>}`` signed with itsdangerous
  (``URLSafeSerializer``, HMAC-SHA256) under a key derived from
  INTERNAL_API_KEY. Changing the API key therefore ends every session.
* Browser POSTs also carry a CSRF token: the itsdangerous signature of the
  cookie under a second derived key, so another site cannot make a logged-in
  browser retry or purge jobs; the cookie is also ``SameSite=Strict``.

Every comparison is constant-time. Nothing here logs or returns the key or a
cookie in an error message.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from itsdangerous import BadData, Signer, URLSafeSerializer

__all__ = [
    "API_KEY_HEADER",
    "COOKIE_NAME",
    "CSRF_FIELD",
    "SESSION_SECONDS",
    "Access",
    "check_access",
    "clear_cookie",
    "csrf_ok",
    "csrf_token",
    "key_matches",
    "safe_next",
    "session_cookie",
    "sign_session",
    "verify_session",
]

API_KEY_HEADER = "x-internal-api-key"
COOKIE_NAME = "interviewlm_admin"
CSRF_FIELD = "csrf"
#: A login lasts eight hours (seconds).
SESSION_SECONDS = 8 * 3600

Method = Literal["disabled", "denied", "header", "cookie"]


@dataclass(frozen=True)
class Access:
    """The outcome of checking one request: how (or whether) it is authenticated."""

    method: Method

    @property
    def allowed(self) -> bool:
        return self.method in ("header", "cookie")


def _derive(key: str, purpose: bytes) -> bytes:
    return hmac.new(key.encode(), b"interviewlm-admin/" + purpose, hashlib.sha256).digest()


def _sessions(key: str) -> URLSafeSerializer:
    return URLSafeSerializer(_derive(key, b"session"), salt="interviewlm-admin-session",
                             signer_kwargs={"digest_method": hashlib.sha256})


def _csrf_signer(key: str) -> Signer:
    return Signer(_derive(key, b"csrf"), salt="interviewlm-admin-csrf",
                  digest_method=hashlib.sha256)


def key_matches(given: str | None, key: str | None) -> bool:
    """True when a non-empty configured key equals ``given`` (constant time)."""
    if not key or given is None:
        return False
    return hmac.compare_digest(given.encode(), key.encode())


def sign_session(key: str, now: float, ttl: float = SESSION_SECONDS,
                 nonce: str | None = None) -> str:
    """A new session value valid until ``now + ttl`` (unix seconds)."""
    return _sessions(key).dumps({"e": int(now + ttl), "n": nonce or secrets.token_hex(16)})


def verify_session(key: str | None, value: str | None, now: float) -> bool:
    """True for an unexpired session value signed with ``key``."""
    if not key or not value:
        return False
    try:
        payload = _sessions(key).loads(value)
    except BadData:
        return False
    expiry = payload.get("e") if isinstance(payload, dict) else None
    return isinstance(expiry, int) and bool(payload.get("n")) and expiry > now


def csrf_token(key: str, session: str) -> str:
    """The CSRF token that goes with one session cookie value."""
    return _csrf_signer(key).get_signature(session).decode()


def csrf_ok(key: str | None, session: str | None, token: str | None) -> bool:
    if not key or not session or not token:
        return False
    return _csrf_signer(key).verify_signature(session, token)


def check_access(key: str | None, header: str | None, cookie: str | None,
                 now: float) -> Access:
    """``disabled`` when no key is configured; else the first credential that holds."""
    if not key:
        return Access("disabled")
    if key_matches(header, key):
        return Access("header")
    if header is None and verify_session(key, cookie, now):
        return Access("cookie")
    return Access("denied")


def session_cookie(value: str, *, secure: bool, max_age: int = SESSION_SECONDS) -> str:
    """A ``Set-Cookie`` header value: HttpOnly, SameSite=Strict, scoped to /admin."""
    flags = f"; Max-Age={max_age}; Path=/admin; HttpOnly; SameSite=Strict"
    return f"{COOKIE_NAME}={value}{flags}{'; Secure' if secure else ''}"


def clear_cookie(*, secure: bool) -> str:
    """A ``Set-Cookie`` header value that removes the session cookie."""
    return session_cookie("", secure=secure, max_age=0)


def safe_next(target: str | None, default: str = "/admin/queues") -> str:
    """Where to go after login: only a local /admin path (no open redirect)."""
    if not target or not target.startswith("/admin") or target.startswith("//"):
        return default
    if any(c in target for c in "\\\r\n") or "://" in target:
        return default
    return target
