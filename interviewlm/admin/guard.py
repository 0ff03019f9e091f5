"""The request side of admin authentication: one base view every admin page extends.

:class:`AdminView` reads the API-key header and the session cookie from the
aiohttp request behind Faust's view, asks :mod:`interviewlm.admin.auth` what
they are worth, and answers the refusals (403 while INTERNAL_API_KEY is unset,
401 or a redirect to the login form otherwise). Pages call :meth:`refuse`
first and go on only when it returns None.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from faust.web import View

from interviewlm.admin import auth
from interviewlm.admin.pause import PauseControl
from interviewlm.admin.render import disabled_page
from interviewlm.admin.stats import Window
from runtime.settings import Settings

__all__ = ["SECURITY_HEADERS", "AdminContext", "AdminView", "form_int"]

#: Sent with every admin response: never cached, never framed, forms post only here.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
}
_NEED_AUTH = ("authentication required: send the x-internal-api-key header, "
              "or log in at /admin/login")


class AdminContext:
    """What every admin view shares: settings, the Faust app, the throughput window,
    and which agents are paused on this worker."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.window = Window()
        self.pause = PauseControl(app, settings)

    @property
    def key(self) -> str | None:
        secret = self.settings.internal_api_key
        return secret.get_secret_value() if secret is not None else None


class AdminView(View):  # type: ignore[misc]  # faust is untyped here
    """Base for admin pages; ``ctx`` is set on the subclasses made per app."""

    ctx: AdminContext

    def access(self, request: Any) -> auth.Access:
        return auth.check_access(self.ctx.key, request.headers.get(auth.API_KEY_HEADER),
                                 self.cookie(request), time.time())

    @staticmethod
    def cookie(request: Any) -> str | None:
        value = request.cookies.get(auth.COOKIE_NAME)
        return str(value) if value else None

    @staticmethod
    def secure(request: Any) -> bool:
        """True behind HTTPS (directly, or per a proxy's X-Forwarded-Proto)."""
        forwarded = request.headers.get("x-forwarded-proto", "")
        return bool(request.secure) or forwarded.lower() == "https"

    def csrf_for(self, access: auth.Access, request: Any) -> str | None:
        """The CSRF token to embed in forms (only sessions need one)."""
        session, key = self.cookie(request), self.ctx.key
        if access.method != "cookie" or not session or not key:
            return None
        return auth.csrf_token(key, session)

    def page(self, body: str, status: int = 200, headers: dict[str, str] | None = None) -> Any:
        return self.html(body, status=status, headers={**SECURITY_HEADERS, **(headers or {})})

    def data(self, value: Any, status: int = 200) -> Any:
        return self.json(value, status=status, headers=dict(SECURITY_HEADERS))

    def redirect(self, location: str, headers: dict[str, str] | None = None) -> Any:
        return self.text("", status=303,
                         headers={**SECURITY_HEADERS, "Location": location, **(headers or {})})

    def refuse(self, request: Any, access: auth.Access, *, api: bool = False) -> Any | None:
        """None when ``access`` is allowed; else the response that refuses the request."""
        if access.allowed:
            return None
        if access.method == "disabled":
            if api:
                return self.data({"error": "admin disabled: set INTERNAL_API_KEY"}, 403)
            return self.page(disabled_page(), 403)
        wants_html = "text/html" in request.headers.get("accept", "")
        if (not api and request.method == "GET" and wants_html
                and auth.API_KEY_HEADER not in request.headers):
            return self.redirect(f"/admin/login?next={quote(request.path_qs, safe='')}")
        return self.data({"error": _NEED_AUTH}, 401)

    async def refuse_post(self, request: Any, access: auth.Access) -> tuple[Any | None, Any]:
        """Like :meth:`refuse` for POSTs, plus the CSRF check for sessions; returns the form."""
        denied = self.refuse(request, access, api=True)
        if denied is not None:
            return denied, {}
        form = await request.post()
        if access.method == "cookie":
            token = form.get(auth.CSRF_FIELD)
            if not auth.csrf_ok(self.ctx.key, self.cookie(request),
                                str(token) if token is not None else None):
                denied = self.data({"error": "invalid or missing CSRF token; reload the page"},
                                   403)
        return denied, form


def form_int(form: Any, name: str) -> int | None:
    """An integer form field, or None when absent or not a number."""
    value = form.get(name)
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None

