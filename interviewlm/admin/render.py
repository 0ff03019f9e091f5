"""Server-rendered HTML for the admin board: layout, login, topics, throughput, workers.

Pure string building, no I/O. Every value from outside (topic names, error
messages, stack traces, member ids) goes through :func:`esc`; nothing else is
interpolated. Figures carry ``data-*`` attributes so tests (and scripts) can
read them without parsing the visible text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from interviewlm.admin.model import TopicView, WorkerView
from interviewlm.admin.stats import Stats

__all__ = [
    "disabled_page",
    "esc",
    "fmt_seconds",
    "layout",
    "login_page",
    "stats_section",
    "topics_section",
    "workers_section",
]

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232b;background:#f5f6f8}
header{background:#1d3557;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0;flex:1}
main{padding:12px 20px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:12px 0;padding:8px 14px}
h2{font-size:16px;margin:6px 0 10px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff2;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#6b7480}.bad{color:#b3261e;font-weight:600}.ok{color:#1b7f3b;font-weight:600}
.notice{background:#e7f3ea;border:1px solid #a7d3b1;padding:6px 10px;border-radius:4px}
.error{background:#fbeaea;border:1px solid #e3a5a5;padding:6px 10px;border-radius:4px}
pre{white-space:pre-wrap;font-size:12px;background:#f6f8fa;padding:6px;margin:4px 0}
form.inline{display:inline}
button{cursor:pointer;padding:2px 10px;border:1px solid #8a94a0;border-radius:4px;background:#fff}
button.danger{border-color:#b3261e;color:#b3261e}
.pager a{margin-right:8px}
"""


def esc(value: object) -> str:
    """HTML-escape any value (quotes included, so it is safe inside attributes)."""
    return html.escape(str(value), quote=True)


def fmt_seconds(value: float | None) -> str:
    """``0.0123`` -> ``"12.3 ms"``; None -> an em dash."""
    if value is None:
        return "\u2014"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _num(value: int | float | None) -> str:
    if value is None:
        return "\u2014"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def layout(title: str, body: str, *, csrf: str | None = None, nav: bool = True) -> str:
    """A whole page: head with inline CSS, header bar (with logout when a session), body."""
    logout = ""
    if nav and csrf:
        logout = (f'<form class="inline" method="post" action="/admin/logout">'
                  f'<input type="hidden" name="csrf" value="{esc(csrf)}">'
                  f'<button type="submit">Log out</button></form>')
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{esc(title)}</h1>{logout}</header><main>{body}</main></body></html>")


def login_page(next_path: str, error: str | None = None) -> str:
    """The login form: one password field for INTERNAL_API_KEY."""
    message = f'<p class="error">{esc(error)}</p>' if error else ""
    form = (f'<section><h2>Log in</h2>{message}'
            '<form method="post" action="/admin/login">'
            f'<input type="hidden" name="next" value="{esc(next_path)}">'
            '<label>Internal API key <input type="password" name="key" id="key" '
            'autocomplete="current-password" required autofocus></label> '
            '<button type="submit" id="login">Log in</button></form></section>')
    return layout("InterviewLM admin", form, nav=False)


def disabled_page() -> str:
    """Shown with 403 while INTERNAL_API_KEY is unset: the board is closed, not open."""
    body = ('<section><p class="error">The admin board is disabled because '
            'INTERNAL_API_KEY is not set. Set INTERNAL_API_KEY in the worker\'s environment '
            'and restart it; then log in with that key or send it in the '
            'x-internal-api-key header.</p></section>')
    return layout("InterviewLM admin", body, nav=False)


def _partitions_cell(topic: TopicView) -> str:
    if not topic.partitions:
        return '<span class="muted">\u2014</span>'
    parts = []
    for p in topic.partitions:
        lag = "" if p.lag is None else f' lag <b data-lag="{p.lag}">{p.lag:,}</b>'
        parts.append(f'<span class="part" data-partition="{p.partition}">'
                     f'p{p.partition}: {p.messages:,}{lag}</span>')
    return "; ".join(parts)


def topics_section(topics: Iterable[TopicView], group: str) -> str:
    """Every topic with its message count, and per-partition lag of ``group``."""
    rows = []
    for t in topics:
        lag = t.lag
        lag_cell = (f'<td class="n{" bad" if lag else ""}" data-lag="{lag}">{lag:,}</td>'
                    if lag is not None else '<td class="n muted">\u2014</td>')
        missing = "" if t.exists else ' <span class="muted">(not created)</span>'
        rows.append(
            f'<tr class="topic" data-topic="{esc(t.name)}" data-messages="{t.messages}">'
            f"<td>{esc(t.name)}{missing}</td><td>{esc(t.kind)}</td>"
            f'<td class="n messages">{t.messages:,}</td>{lag_cell}'
            f"<td>{_partitions_cell(t)}</td></tr>")
    return (f'<section id="topics"><h2>Topics</h2><p class="muted">Messages = retained '
            f"messages (end \u2212 beginning offsets). Lag = messages consumer group "
            f"<code>{esc(group)}</code> has still to read (end \u2212 committed).</p>"
            '<table><tr><th>topic</th><th>kind</th><th class="n">messages</th>'
            '<th class="n">lag</th><th>per partition (messages, lag)</th></tr>'
            f'{"".join(rows)}</table></section>')


def stats_section(stats: Stats) -> str:
    """Events per second over the window, totals by topic/outcome, batch-time percentiles."""
    window = (f"last {stats.window_seconds:.0f} s" if stats.window_seconds > 0
              else "no earlier sample yet")
    rows = "".join(
        f'<tr data-topic="{esc(topic)}" data-outcome="{esc(outcome)}" data-total="{total:g}">'
        f"<td>{esc(topic)}</td><td>{esc(outcome)}</td><td class=\"n\">{_num(total)}</td>"
        f'<td class="n">{rate:,.2f}</td></tr>'
        for topic, outcome, total, rate in stats.by_topic)
    timing_rows = "".join(
        f'<tr data-agent="{esc(t.agent)}"><td>{esc(t.agent)}</td>'
        f'<td class="n">{_num(t.batches)}</td>'
        + "".join(f'<td class="n">{fmt_seconds(v)}</td>' for v in t.quantiles.values())
        + f'<td class="muted">{esc(t.scope)}</td></tr>'
        for t in stats.timings)
    heads = "".join(f'<th class="n">p{q * 100:g}</th>'
                    for q in (stats.timings[0].quantiles if stats.timings else ()))
    return (f'<section id="throughput"><h2>Throughput</h2>'
            f'<p><b id="events-per-second">{stats.events_per_second:,.2f}</b> events/s '
            f"({esc(window)}); <b id=\"events-total\" data-value=\"{stats.events_total:g}\">"
            f"{_num(stats.events_total)}</b> events processed since this worker started.</p>"
            '<table><tr><th>topic</th><th>outcome</th><th class="n">total</th>'
            f'<th class="n">per second</th></tr>{rows}</table>'
            '<h2>Batch processing time</h2><table><tr><th>agent</th>'
            f'<th class="n">batches</th>{heads}<th>over</th></tr>{timing_rows}</table>'
            "</section>")


def _assignment(parts: dict[str, list[int]]) -> str:
    if not parts:
        return '<span class="muted">none</span>'
    return "<br>".join(f"{esc(topic)}: {esc(', '.join(str(p) for p in sorted(ps)))}"
                       for topic, ps in sorted(parts.items()))


def workers_section(worker: WorkerView) -> str:
    """Group members with their partitions; this worker's assignment and recovery."""
    recovery = ('<span class="ok" id="recovery" data-value="1">complete</span>'
                if worker.recovery_complete
                else '<span class="bad" id="recovery" data-value="0">in progress</span>')
    error = f'<p class="error">{esc(worker.error)}</p>' if worker.error else ""
    members = "".join(
        f'<tr class="member"><td>{esc(m.client_id)}<br><span class="muted">'
        f"{esc(m.member_id)}</span></td><td>{esc(m.host)}</td><td>{esc(m.url or '')}</td>"
        f"<td>{_assignment(m.actives)}</td><td>{_assignment(m.standbys)}</td></tr>"
        for m in worker.members)
    return (f'<section id="workers"><h2>Workers</h2>{error}'
            f"<p>Consumer group <code>{esc(worker.group)}</code>: state "
            f'<b id="group-state">{esc(worker.state)}</b>, '
            f'<b id="member-count">{len(worker.members)}</b> member(s). '
            f"This worker: table recovery {recovery}"
            f"{'; rebalancing' if worker.rebalancing else ''}.</p>"
            "<table><tr><th>member</th><th>host</th><th>web</th><th>active partitions</th>"
            f"<th>standby partitions</th></tr>{members}</table>"
            f"<p>Assigned to this worker:<br>{_assignment(worker.assigned)}</p></section>")
