"""Server-rendered HTML for the admin board, from Jinja2 templates (``templates/``).

Pure: values in, a page out, no I/O. The environment autoescapes every value
(quotes included), so a topic name, error message, stack trace or payload can
never become markup; ``StrictUndefined`` makes a misspelt variable an error
instead of an empty cell. Figures carry ``data-*`` attributes so tests (and
scripts) can read them without parsing the visible text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

__all__ = ["board_page", "disabled_page", "fmt_seconds", "login_page", "render"]


def fmt_seconds(value: float | None) -> str:
    """``0.0123`` -> ``"12.3 ms"``; None -> an em dash."""
    if value is None:
        return "\u2014"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def fmt_number(value: float | None) -> str:
    """``12345`` -> ``"12,345"``, ``2.5`` -> ``"2.50"``; None -> an em dash."""
    if value is None:
        return "\u2014"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def fmt_when(value: datetime | None) -> str:
    """A stored time as ``2026-01-05 09:00:00 UTC``; None -> an em dash."""
    return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if value else "\u2014"


_ENV = Environment(loader=PackageLoader("interviewlm.admin", "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ENV.filters.update(seconds=fmt_seconds, num=fmt_number, when=fmt_when)


def render(template: str, **context: Any) -> str:
    """One page from ``templates/<template>``; ``title``, ``csrf`` and ``nav`` default."""
    context.setdefault("title", "InterviewLM admin")
    context.setdefault("csrf", None)
    context.setdefault("nav", True)
    return _ENV.get_template(template).render(**context)


def login_page(next_path: str, error: str | None = None) -> str:
    """The login form: one password field for INTERNAL_API_KEY."""
    return render("login.html", next_path=next_path, error=error, nav=False)


def disabled_page() -> str:
    """Shown with 403 while INTERNAL_API_KEY is unset: the board is closed, not open."""
    return render("disabled.html", nav=False)


def board_page(**context: Any) -> str:
    """The whole ``/admin/queues`` page: topics, throughput, failed jobs, workers."""
    stats = context["stats"]
    window = (f"last {stats.window_seconds:.0f} s" if stats.window_seconds > 0
              else "no earlier sample yet")
    context.setdefault("notice", None)
    context.setdefault("errors", [])
    return render("board.html", title="InterviewLM queues", window=window, **context)
