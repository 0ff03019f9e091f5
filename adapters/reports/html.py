"""The self-contained HTML report: inline CSS and SVG, no scripts, no external assets.

Sections: the overall score and how it was produced, the four rubric dimensions
with their method breakdown and evidence, flags for a human reviewer, the IRT
ability path with its standard-error band, and the session timeline. Every value
taken from storage is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from adapters.reports.model import ReportData
from adapters.reports.svg import TYPE_COLOURS, theta_chart, timeline_chart

__all__ = ["render_html"]

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;margin:0;
background:#f9fafb}main{max-width:900px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin:32px 0 8px;border-bottom:1px solid #e5e7eb}
.meta{color:#4b5563;font-size:13px}.overall{font-size:40px;font-weight:700}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;
background:#fee2e2;color:#991b1b;margin-left:8px;vertical-align:middle}
.dimension{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;
margin:12px 0}.bar{height:8px;background:#e5e7eb;border-radius:4px}
.bar span{display:block;height:8px;border-radius:4px;background:#2563eb}
table{border-collapse:collapse;font-size:13px}td,th{padding:2px 10px 2px 0;text-align:left}
.evidence li{margin:6px 0}.kind{font-size:11px;text-transform:uppercase;color:#6b7280}
pre{background:#f3f4f6;padding:6px 8px;white-space:pre-wrap;word-break:break-word;
font-size:12px;margin:4px 0}svg{max-width:100%;height:auto}
.tick,.axis{font-size:11px;fill:#6b7280}.empty{color:#6b7280}
.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
@media print{body{background:#fff}.dimension{break-inside:avoid}}
"""


_TITLES = {"code_quality": "Code quality", "problem_solving": "Problem solving",
           "ai_collaboration": "AI collaboration", "communication": "Communication"}


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document."""
    ev = data.evaluation
    result = ev.result
    body = "".join([
        _header(data),
        "<h2>Dimensions</h2>",
        "".join(_dimension(name, dim) for name, dim in _dimensions(result)),
        _flags(result.get("flags") or []),
        "<h2>Ability estimate</h2><p class=\"meta\">EAP theta after each scored response; "
        "the band is ±1 standard error.</p>",
        theta_chart(data.theta_path),
        "<h2>Session timeline</h2>",
        timeline_chart(data.timeline), _legend(), _timeline_table(data),
        f'<p class="meta">Methods: {_e(", ".join(result.get("methods") or []))}. '
        "Internal report: never shown to candidates.</p>",
    ])
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Evaluation {_e(ev.evaluation_id)}</title><style>{_CSS}</style></head>"
            f"<body><main>{body}</main></body></html>")


def _dimensions(result: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    dims = result.get("dimensions")
    return list(dims.items()) if isinstance(dims, Mapping) else []


def _header(data: ReportData) -> str:
    ev = data.evaluation
    review = ('<span class="badge">needs human review</span>' if ev.needs_review else "")
    llm = ev.result.get("llm") or {}
    reason = f" ({_e(llm.get('reason'))})" if llm.get("reason") else ""
    return (f"<h1>Evaluation report</h1><p class=\"meta\">Session {_e(ev.session_id)} · "
            f"evaluation {_e(ev.evaluation_id)} · rubric {_e(ev.rubric_version)} · "
            f"generated {_e(data.generated_at.strftime('%Y-%m-%d %H:%M UTC'))}</p>"
            f'<p><span class="overall">{ev.overall_score:.1f}</span> / 100 · confidence '
            f"{ev.overall_confidence:.2f}{review}</p>"
            f'<p class="meta">Mode: {_e(ev.mode)} · model: {_e(ev.model)}{reason}</p>')


def _dimension(name: str, dim: Mapping[str, Any]) -> str:
    score = float(dim.get("score") or 0.0)
    breakdown = dim.get("breakdown") or {}
    rows = "".join(f"<tr><td>{_e(m)}</td><td>{float(v):.1f}</td></tr>"
                   for m, v in breakdown.items())
    agreement = dim.get("agreement") or {}
    spread = agreement.get("spread")
    agrees = "methods agree" if agreement.get("agrees", True) else "methods disagree"
    evidence = "".join(_evidence(item) for item in dim.get("evidence") or [])
    return (f'<article class="dimension" id="dim-{_e(name)}"><h3>'
            f"{_e(_TITLES.get(name, name))} · {score:.1f} "
            f"<small class=\"meta\">weight {float(dim.get('weight') or 0):.0%}, confidence "
            f"{float(dim.get('confidence') or 0):.2f}</small></h3>"
            f'<div class="bar"><span style="width:{max(0.0, min(100.0, score)):.1f}%">'
            f"</span></div><table><tr><th>method</th><th>score</th></tr>{rows}</table>"
            f"<p class=\"meta\">{agrees}"
            + (f" (spread {float(spread):.1f})" if spread is not None else "")
            + f"</p><ol class=\"evidence\">{evidence}</ol></article>")


def _evidence(item: Mapping[str, Any]) -> str:
    where = ""
    if item.get("filePath"):
        where = f" · {_e(item['filePath'])}" + (f":{_e(item['line'])}" if item.get("line")
                                                 else "")
    value = f" · value {_e(item['value'])}" if item.get("value") is not None else ""
    snippet = f"<pre>{_e(item['snippet'])}</pre>" if item.get("snippet") else ""
    return (f'<li><span class="kind">{_e(str(item.get("kind", "")).replace("_", " "))}'
            f"</span> {_e(item.get('description'))}<br><span class=\"meta\">"
            f"{_e(item.get('timestamp'))} · event {_e(item.get('eventId'))}{where}{value}"
            f"</span>{snippet}</li>")


def _flags(flags: list[Mapping[str, Any]]) -> str:
    if not flags:
        return "<h2>Flags</h2><p class=\"empty\">None.</p>"
    items = "".join(
        f"<li><strong>{_e(f.get('code'))}</strong>"
        + (f" ({_e(f.get('dimension'))})" if f.get("dimension") else "")
        + f": {_e(f.get('reason'))}"
        + (f"<ul>{''.join(_evidence(item) for item in f['evidence'])}</ul>"
           if f.get("evidence") else "")  # the passages a flag cites, e.g. notes to the grader
        + "</li>" for f in flags)
    return f"<h2>Flags</h2><ul>{items}</ul>"


def _legend() -> str:
    return '<p class="meta">' + "".join(
        f'<span class="swatch" style="background:{colour}"></span>{_e(kind)}'
        for kind, colour in TYPE_COLOURS.items()) + "</p>"


def _timeline_table(data: ReportData) -> str:
    rows = "".join(
        f"<tr><td>+{entry.seconds / 60:.1f} min</td><td>{_e(entry.type)}</td>"
        f"<td>{_e(entry.label)}</td></tr>" for entry in data.timeline)
    return (f"<details><summary>All {len(data.timeline)} events</summary><table>"
            f"<tr><th>time</th><th>event</th><th>what happened</th></tr>{rows}</table>"
            "</details>")
