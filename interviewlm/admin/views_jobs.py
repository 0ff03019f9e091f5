"""The board's job pages and actions: one job, retry and purge of a selection, pause.

| route | does |
|---|---|
| GET  /admin/jobs/{job_id}, /admin/api/jobs/{job_id} | one job: payload, headers, history |
| GET  /admin/sessions/{session_id}, /admin/api/sessions/{session_id} | one session |
| POST /admin/failed/retry, /admin/failed/purge | named ids, a topic, or the filter |
| POST /admin/agents/pause, /admin/agents/resume | ``agent=<name>`` on this worker |

A person's retry or purge is always shown first as a confirmation page that
lists exactly the jobs it names (a filter or topic is resolved to ids there);
only the confirmed ids are acted on, and only jobs of this consumer group. A
machine (API-key header) names ids itself and gets JSON back.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from interviewlm.admin.filters import JobFilter, parse_filter
from interviewlm.admin.guard import AdminView
from interviewlm.admin.jobs import SELECT_LIMIT, load_job, matching_ids, purge_ids, retry_ids
from interviewlm.admin.render import confirm_page, job_page, session_page
from interviewlm.admin.sessions import load_session

__all__ = ["JOB_VIEWS"]

_TIMEOUT = 10.0
_ACTIONS = {"retry": ("Republish", retry_ids, "retried"),
            "purge": ("Delete", purge_ids, "purged")}


def _ids(form: Any) -> list[int]:
    """The ids a form names: one row's button (``one``) wins over the ticked boxes."""
    one = form.get("one")
    if one is not None:
        return [int(one)] if str(one).isdigit() else []
    values = form.getall("id", []) if hasattr(form, "getall") else [form.get("id")]
    return sorted({int(v) for v in values if v is not None and str(v).isdigit()})


class JobPageView(AdminView):
    api = False

    async def get(self, request: Any, job_id: str) -> Any:
        denied = self.refuse(request, self.access(request), api=self.api)
        if denied is not None:
            return denied
        if not job_id.isdigit():
            return self.data({"error": "not a job id"}, 404)
        try:
            detail = await asyncio.wait_for(load_job(self.ctx.settings, int(job_id)), _TIMEOUT)
        except Exception as exc:
            return self.data({"error": f"unavailable: {type(exc).__name__}"}, 503)
        if detail is None:
            return self.data({"error": f"no failed job {job_id} in group "
                                       f"{self.ctx.settings.app_id}"}, 404)
        if self.api:
            return self.data({"job": detail.job.to_json(), "payload": detail.payload,
                              "headers": detail.headers,
                              "history": [a.__dict__ for a in detail.history]})
        return self.page(job_page(detail, csrf=self.csrf_for(self.access(request), request)))


class JobApiView(JobPageView):
    api = True


class SessionPageView(AdminView):
    api = False

    async def get(self, request: Any, session_id: str) -> Any:
        denied = self.refuse(request, self.access(request), api=self.api)
        if denied is not None:
            return denied
        try:
            view = await asyncio.wait_for(load_session(self.ctx.settings, session_id),
                                          _TIMEOUT)
        except Exception as exc:
            return self.data({"error": f"unavailable: {type(exc).__name__}"}, 503)
        if self.api:
            return self.data({"session_id": view.session_id, "found": view.found,
                              "metrics": view.metrics, "events": [e.__dict__ for e in
                                                                  view.events],
                              "theta": [t.__dict__ for t in view.theta],
                              "indicators": view.indicators, "evaluation": view.evaluation,
                              "failed_jobs": [j.to_json() for j in view.failed_jobs]})
        csrf = self.csrf_for(self.access(request), request)
        return self.page(session_page(view, csrf=csrf), 200 if view.found else 404)


class SessionApiView(SessionPageView):
    api = True


class JobAction(AdminView):
    """Retry or purge: API callers name ids; people confirm the exact list first."""

    action = "retry"

    async def post(self, request: Any) -> Any:
        access = self.access(request)
        denied, form = await self.refuse_post(request, access)
        if denied is not None:
            return denied
        verb, act, done_word = _ACTIONS[self.action]
        try:
            if access.method == "header":
                return await self._for_machine(form, act, done_word)
            ids = await self._named(form)
            if form.get("confirm") != "1":
                where = parse_filter(form) if form.get("scope") else JobFilter()
                return self.page(confirm_page(self.action, verb, ids, where,
                                              back=str(form.get("back") or "/admin/queues"),
                                              csrf=self.csrf_for(access, request)))
            done = await act(self.ctx.settings, ids) if ids else []
        except Exception as exc:
            return self.data({"error": f"{self.action} failed: {type(exc).__name__}"}, 503)
        return self.redirect(f"/admin/queues?{done_word}={len(done)}#failed")

    async def _for_machine(self, form: Any, act: Any, done_word: str) -> Any:
        ids = _ids(form)
        if self.action == "retry" and not ids and form.get("all") == "1":
            ids = await matching_ids(self.ctx.settings, JobFilter(status="failed"))
        if not ids:
            return self.data({"error": "name the jobs: id=<job id> (repeatable)"
                              + (" or all=1" if self.action == "retry" else "")}, 400)
        return self.data({done_word: await act(self.ctx.settings, ids)})

    async def _named(self, form: Any) -> list[int]:
        """The exact ids the form names: ``id`` fields, or ``scope=filter`` / ``topic``."""
        if form.get("scope") == "filter":
            return await matching_ids(self.ctx.settings, parse_filter(form), SELECT_LIMIT)
        if form.get("scope") == "topic" and form.get("topic"):
            return await matching_ids(self.ctx.settings, JobFilter(topic=str(form["topic"])))
        if form.get("all") == "1":
            return await matching_ids(self.ctx.settings, JobFilter(status="failed"))
        return _ids(form)


class RetryAction(JobAction):
    action = "retry"


class PurgeAction(JobAction):
    action = "purge"


class AgentAction(AdminView):
    """Pause or resume one agent's consumption on this worker."""

    resume = False

    async def post(self, request: Any) -> Any:
        access = self.access(request)
        denied, form = await self.refuse_post(request, access)
        if denied is not None:
            return denied
        agent = str(form.get("agent") or "")
        control = self.ctx.pause
        if agent not in control.running():
            return self.data({"error": f"this worker runs no agent {agent!r}"}, 404)
        control.resume(agent) if self.resume else control.pause(agent)
        state = "resumed" if self.resume else "paused"
        if access.method == "header":
            return self.data({"agent": agent, "state": state})
        return self.redirect(f"/admin/queues?{state}={quote(agent)}#agents")


class PauseAgent(AgentAction):
    resume = False


class ResumeAgent(AgentAction):
    resume = True


JOB_VIEWS: dict[str, type[AdminView]] = {
    "/admin/jobs/{job_id}": JobPageView,
    "/admin/api/jobs/{job_id}": JobApiView,
    "/admin/sessions/{session_id}": SessionPageView,
    "/admin/api/sessions/{session_id}": SessionApiView,
    "/admin/failed/retry": RetryAction,
    "/admin/failed/purge": PurgeAction,
    "/admin/agents/pause": PauseAgent,
    "/admin/agents/resume": ResumeAgent,
}
