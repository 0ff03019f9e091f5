"""Server-rendered HTML for the failed-job list, and the whole board page.

Pure string building. Retry and Purge are POST forms carrying the CSRF token;
the stack trace sits in a collapsed ``<details>`` so a long trace never pushes
the list off the screen.
"""

from __future__ import annotations

from datetime import datetime

from interviewlm.admin.model import FailedJobRow, JobPage, TopicView, WorkerView
from interviewlm.admin.render import esc, layout, stats_section, topics_section, workers_section
from interviewlm.admin.stats import Stats

__all__ = ["board_page", "jobs_section"]


def _csrf_input(csrf: str | None) -> str:
    return f'<input type="hidden" name="csrf" value="{esc(csrf)}">' if csrf else ""


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if value else "\u2014"


def _action(path: str, label: str, csrf: str | None, *, job_id: int | None = None,
            css: str = "", confirm: str | None = None) -> str:
    """A one-button POST form (``id`` names the job; none means every failed job)."""
    field = (f'<input type="hidden" name="id" value="{job_id}">' if job_id is not None
             else '<input type="hidden" name="all" value="1">')
    onsubmit = f' onsubmit="return confirm(\'{esc(confirm)}\')"' if confirm else ""
    name = label.lower().replace(" ", "-")
    data_id = f' data-job="{job_id}"' if job_id is not None else ""
    return (f'<form class="inline" method="post" action="{esc(path)}"{onsubmit}>'
            f"{_csrf_input(csrf)}{field}<button type=\"submit\" class=\"{name} {css}\"{data_id}>"
            f"{esc(label)}</button></form>")


def _job_row(job: FailedJobRow, csrf: str | None) -> str:
    status = ('<span class="bad">failed</span>' if job.status == "failed"
              else f'<span class="ok">{esc(job.status)}</span>')
    retry = (_action("/admin/failed/retry", "Retry", csrf, job_id=job.id)
             if job.status == "failed" else "")
    purge = _action("/admin/failed/purge", "Purge", csrf, job_id=job.id, css="danger",
                    confirm=f"Delete failed job {job.id}?")
    trace = (f"<details><summary>stack trace</summary><pre>{esc(job.stack_trace)}</pre>"
             "</details>" if job.stack_trace else "")
    return (f'<tr class="job" id="job-{job.id}" data-job="{job.id}" '
            f'data-status="{esc(job.status)}" data-topic="{esc(job.source_topic)}">'
            f'<td class="n">{job.id}</td><td>{_when(job.last_failed_at)}</td>'
            f"<td>{esc(job.worker)}</td>"
            f"<td>{esc(job.source_topic)}<br><span class=\"muted\">partition "
            f"{job.partition}, offset {job.offset}</span></td>"
            f'<td><b class="error-type">{esc(job.error_type)}</b><br>'
            f'<span class="error-message">{esc(job.error_message)}</span>{trace}</td>'
            f'<td class="n">{job.attempts}</td><td class="status">{status}</td>'
            f"<td>{retry} {purge}</td></tr>")


def _pager(page: JobPage) -> str:
    if page.pages <= 1:
        return ""
    links = []
    if page.page > 1:
        links.append(f'<a href="/admin/queues?page={page.page - 1}#failed">\u2190 newer</a>')
    links.append(f"page {page.page} of {page.pages}")
    if page.page < page.pages:
        links.append(f'<a href="/admin/queues?page={page.page + 1}#failed">older \u2192</a>')
    return f'<p class="pager">{" ".join(links)}</p>'


def jobs_section(page: JobPage, csrf: str | None) -> str:
    """Failed jobs, newest first, with Retry/Purge per job and Retry all."""
    retry_all = (_action("/admin/failed/retry", "Retry all", csrf,
                         confirm=f"Republish all {page.failed} failed jobs?")
                 if page.failed else "")
    rows = "".join(_job_row(job, csrf) for job in page.jobs)
    empty = "" if page.jobs else '<p class="muted">No failed jobs.</p>'
    return (f'<section id="failed"><h2>Failed jobs</h2>'
            f'<p><b id="failed-total" data-value="{page.total}">{page.total:,}</b> stored, '
            f'<b id="failed-open" data-value="{page.failed}">{page.failed:,}</b> not yet '
            f"retried. {retry_all}</p>{empty}"
            + ('<table><tr><th class="n">id</th><th>last failed</th><th>worker</th>'
               '<th>source</th><th>error</th><th class="n">attempts</th><th>status</th>'
               f"<th></th></tr>{rows}</table>" if page.jobs else "")
            + f"{_pager(page)}</section>")


def board_page(*, topics: list[TopicView], group: str, stats: Stats, worker: WorkerView,
               jobs: JobPage, csrf: str | None, notice: str | None = None,
               errors: list[str] | None = None) -> str:
    """The whole ``/admin/queues`` page."""
    top = f'<p class="notice" id="notice">{esc(notice)}</p>' if notice else ""
    top += "".join(f'<p class="error">{esc(e)}</p>' for e in errors or ())
    body = (top + topics_section(topics, group) + stats_section(stats)
            + jobs_section(jobs, csrf) + workers_section(worker))
    return layout("InterviewLM queues", body, csrf=csrf)
