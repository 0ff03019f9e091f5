"""The self-contained HTML report: inline CSS and SVG, no scripts, no external assets.

Sections: the overall score and how it was produced, the four rubric dimensions
with their status (scored or insufficient evidence), method breakdown, what evidence
was missing and the evidence itself, flags for a human reviewer, the IRT
ability path with its standard-error band, and the session timeline. Every value
taken from storage is HTML-escaped: the page is a Jinja2 template
(``templates/report.html``) with autoescaping on, and the two SVG charts come
from :mod:`adapters.reports.svg`, which escapes its own text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import ChainableUndefined, Environment, PackageLoader
from markupsafe import Markup

from adapters.reports.model import ReportData
from adapters.reports.svg import TYPE_COLOURS, theta_chart, timeline_chart

__all__ = ["render_html"]

_ENV = Environment(loader=PackageLoader("adapters.reports", "templates"), autoescape=True,
                   undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
_TITLES = {"code_quality": "Code quality", "problem_solving": "Problem solving",
           "ai_collaboration": "AI collaboration", "communication": "Communication"}
#: A dimension's status (``assess.evaluation.result.Status``) as a reader is told it: an
#: insufficient-evidence score is shown, but never as a measurement to decide on.
_STATUSES = {"scored": "Scored: enough evidence to decide on",
             "insufficient_evidence": "Insufficient evidence: the score is not a measurement"}


def _dimensions(result: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    dims = result.get("dimensions")
    return list(dims.items()) if isinstance(dims, Mapping) else []


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document (``templates/report.html``)."""
    ev = data.evaluation
    result = ev.result
    return _ENV.get_template("report.html").render(
        ev=ev, result=result, llm=result.get("llm") or {}, titles=_TITLES, statuses=_STATUSES,
        generated=data.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        dimensions=_dimensions(result), flags=result.get("flags") or [],
        theta_svg=Markup(theta_chart(data.theta_path)),
        timeline_svg=Markup(timeline_chart(data.timeline)),
        timeline=data.timeline, colours=TYPE_COLOURS)
