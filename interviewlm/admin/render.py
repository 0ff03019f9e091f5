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
from markupsafe import Markup

from adapters.db.evaluations_repo import ThetaPoint
from adapters.reports.svg import theta_chart
from interviewlm.admin.filters import JobFilter
from interviewlm.admin.pages import JobDetail, SessionView

__all__ = ["board_page", "confirm_page", "disabled_page", "fmt_seconds", "job_page",
           "login_page", "render", "session_page"]


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
    """The whole ``/admin/queues`` page: topics, agents, throughput, failed jobs, workers."""
    stats = context["stats"]
    window = (f"last {stats.window_seconds:.0f} s" if stats.window_seconds > 0
              else "no earlier sample yet")
    for name, default in (("notice", None), ("errors", []), ("where", JobFilter()),
                          ("agents", []), ("refresh", None), ("now", None)):
        context.setdefault(name, default)
    updated = (datetime.fromtimestamp(context["now"]).strftime("%H:%M:%S")
               if context["now"] else None)
    return render("board.html", title="InterviewLM queues", window=window, updated=updated,
                  **context)


def job_page(detail: JobDetail, *, csrf: str | None) -> str:
    """``/admin/jobs/<id>``: the job, its redacted payload, headers, stack and history."""
    return render("job.html", title=f"Failed job {detail.job.id}", detail=detail, job=detail.job,
                  csrf=csrf)


def session_page(view: SessionView, *, csrf: str | None) -> str:
    """``/admin/sessions/<id>``: events in order, theta path with SE band, indicators,
    the evaluation with its evidence, and the session's failed jobs."""
    chart = Markup(theta_chart([ThetaPoint(t.seq, t.at, t.theta, t.se)
                                for t in view.theta]))  # theta_chart escapes its text
    return render("session.html", title=f"Session {view.session_id}", view=view, chart=chart,
                  csrf=csrf)


def confirm_page(action: str, verb: str, ids: list[int], where: JobFilter, *, back: str,
                 csrf: str | None) -> str:
    """The question before a retry or purge, listing exactly the jobs it will touch."""
    return render("confirm.html", title=f"{verb} {len(ids)} failed job(s)?", action=action,
                  verb=verb, ids=ids, where=where, back=_local(back), csrf=csrf)


def _local(path: str) -> str:
    """Only a local /admin path to go back to (no open redirect through the form)."""
    return path if path.startswith("/admin") and "//" not in path and "\\" not in path \
        else "/admin/queues"
