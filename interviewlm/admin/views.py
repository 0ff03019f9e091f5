"""The admin board's routes on the worker's Faust web server.

| route | does |
|---|---|
| GET  /admin, /admin/queues | the board: topics, agents, throughput, failed jobs, workers |
| GET/POST /admin/login, POST /admin/logout | session cookie for people |
| GET  /admin/api/topics, failed, workers, stats | the same data as JSON |

``/admin/queues`` and ``/admin/api/failed`` take the search filter
(``topic, reason, session, status, since, until``) and ``page``; the board
also takes ``refresh=<seconds>`` to reload itself. Job, session and action
routes are in :mod:`.views_jobs`.

Every route needs the API key header or a session (see :mod:`.guard`). A
broker or database that is away makes the board show an error line for its
part instead of failing the whole page.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from interviewlm.admin import auth
from interviewlm.admin.filters import JobFilter, parse_filter
from interviewlm.admin.guard import AdminContext, AdminView
from interviewlm.admin.jobs import load_jobs
from interviewlm.admin.kafka_info import load_topics, load_workers
from interviewlm.admin.model import JobPage, WorkerView
from interviewlm.admin.pause import AGENT_TOPICS
from interviewlm.admin.render import board_page, login_page
from interviewlm.admin.stats import Stats, read_registry, summarize
from interviewlm.admin.views_jobs import JOB_VIEWS
from runtime.metrics import REGISTRY

__all__ = ["VIEWS", "current_stats", "notice_for", "refresh_seconds"]

_TIMEOUT = 10.0


def current_stats(ctx: AdminContext) -> Stats:
    """Take a snapshot now, keep it, and summarize against the window's baseline."""
    now = read_registry(REGISTRY, time.monotonic())
    before = ctx.window.baseline(now.at)
    ctx.window.add(now)
    return summarize(now, before)


def notice_for(query: Any) -> str | None:
    """The message after a POST redirect; only fixed texts, never echoed input."""
    for name, text in (("retried", "Republished {n} failed job(s) to their source topics."),
                       ("purged", "Deleted {n} failed job(s).")):
        value = query.get(name)
        if value is not None and str(value).isdigit():
            return text.format(n=int(value))
    for name in ("paused", "resumed"):
        agent = query.get(name)
        if agent in AGENT_TOPICS:  # a known agent name, never arbitrary text
            return f"The {agent} agent's consumption on this worker is {name}."
    return None


def refresh_seconds(query: Any) -> int | None:
    """``?refresh=N``: reload the board every N seconds (5 to 300), else None."""
    value = str(query.get("refresh", ""))
    return min(300, max(5, int(value))) if value.isdigit() and int(value) > 0 else None


def _page_number(request: Any) -> int:
    value = str(request.query.get("page", "1"))
    return max(1, int(value)) if value.isdigit() else 1


async def _gather(ctx: AdminContext, page: int,
                  where: JobFilter) -> tuple[list[Any], list[str]]:
    """Topics, workers and jobs concurrently; a failed part becomes an error line."""
    parts = await asyncio.gather(
        asyncio.wait_for(load_topics(ctx.app, ctx.settings), _TIMEOUT),
        asyncio.wait_for(load_workers(ctx.app, ctx.settings), _TIMEOUT),
        asyncio.wait_for(load_jobs(ctx.settings, where, page), _TIMEOUT),
        return_exceptions=True)
    errors = []
    for label, part in zip(("Kafka topics", "Consumer group", "Failed jobs"), parts,
                           strict=True):
        if isinstance(part, BaseException):
            errors.append(f"{label} unavailable: {type(part).__name__}")
    return list(parts), errors


class Board(AdminView):
    async def get(self, request: Any) -> Any:
        access = self.access(request)
        denied = self.refuse(request, access)
        if denied is not None:
            return denied
        page, where = _page_number(request), parse_filter(request.query)
        (topics, worker, jobs), errors = await _gather(self.ctx, page, where)
        group = self.ctx.settings.app_id
        if isinstance(worker, BaseException):
            worker = WorkerView(group, "unknown", [], {}, False, False, errors[-1])
        html = board_page(
            topics=topics if isinstance(topics, list) else [], group=group,
            stats=current_stats(self.ctx), worker=worker,
            jobs=jobs if isinstance(jobs, JobPage) else JobPage([], page, 20, 0, 0),
            csrf=self.csrf_for(access, request), notice=notice_for(request.query),
            errors=[*errors, *where.problems], where=where, agents=self.ctx.pause.states(),
            refresh=refresh_seconds(request.query), now=time.time())
        return self.page(html)


class Root(AdminView):
    async def get(self, request: Any) -> Any:
        return self.refuse(request, self.access(request)) or self.redirect("/admin/queues")


class Login(AdminView):
    async def get(self, request: Any) -> Any:
        if self.ctx.key is None:
            return self.refuse(request, auth.Access("disabled"))
        return self.page(login_page(auth.safe_next(request.query.get("next"))))

    async def post(self, request: Any) -> Any:
        if self.ctx.key is None:
            return self.refuse(request, auth.Access("disabled"))
        form = await request.post()
        target = auth.safe_next(str(form.get("next") or ""))
        given = form.get("key")
        if not auth.key_matches(str(given) if given is not None else None, self.ctx.key):
            await asyncio.sleep(0.3)  # slows guessing; the key itself should be long
            return self.page(login_page(target, "That key is not right."), 401)
        session = auth.sign_session(self.ctx.key, time.time())
        cookie = auth.session_cookie(session, secure=self.secure(request))
        return self.redirect(target, {"Set-Cookie": cookie})


class Logout(AdminView):
    async def post(self, request: Any) -> Any:
        denied, _ = await self.refuse_post(request, self.access(request))
        if denied is not None:
            return denied
        return self.redirect("/admin/login",
                             {"Set-Cookie": auth.clear_cookie(secure=self.secure(request))})


class ApiView(AdminView):
    """JSON mirrors: same auth, 503 with the error class when a backend is away."""

    async def get(self, request: Any) -> Any:
        denied = self.refuse(request, self.access(request), api=True)
        if denied is not None:
            return denied
        try:
            return self.data(await asyncio.wait_for(self.load(request), _TIMEOUT))
        except Exception as exc:
            return self.data({"error": f"unavailable: {type(exc).__name__}"}, 503)

    async def load(self, request: Any) -> Any:
        raise NotImplementedError


class ApiTopics(ApiView):
    async def load(self, request: Any) -> Any:
        topics = await load_topics(self.ctx.app, self.ctx.settings)
        return {"group": self.ctx.settings.app_id, "topics": [t.to_json() for t in topics]}


class ApiFailed(ApiView):
    async def load(self, request: Any) -> Any:
        where = parse_filter(request.query)
        return {**(await load_jobs(self.ctx.settings, where, _page_number(request))).to_json(),
                "group": self.ctx.settings.app_id, "problems": list(where.problems)}


class ApiWorkers(ApiView):
    async def load(self, request: Any) -> Any:
        return (await load_workers(self.ctx.app, self.ctx.settings)).to_json()


class ApiStats(ApiView):
    async def load(self, request: Any) -> Any:
        stats = current_stats(self.ctx)
        return {
            "window_seconds": stats.window_seconds,
            "events_per_second": stats.events_per_second,
            "events_total": stats.events_total,
            "by_topic": [{"topic": t, "outcome": o, "total": n, "per_second": r}
                         for t, o, n, r in stats.by_topic],
            "processing_seconds": [{"agent": t.agent, "batches": t.batches, "over": t.scope,
                                    **{f"p{q * 100:g}": v for q, v in t.quantiles.items()}}
                                   for t in stats.timings],
        }


#: path -> view class; :func:`interviewlm.admin.register_admin` binds them to one app.
VIEWS: dict[str, type[AdminView]] = {
    "/admin": Root,
    "/admin/queues": Board,
    "/admin/login": Login,
    "/admin/logout": Logout,
    "/admin/api/topics": ApiTopics,
    "/admin/api/failed": ApiFailed,
    "/admin/api/workers": ApiWorkers,
    "/admin/api/stats": ApiStats,
    **JOB_VIEWS,
}
