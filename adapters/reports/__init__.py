"""Evaluation reports: JSON, a self-contained HTML page, and that page as PDF.

Stored in ``internal.reports``. The PDF is the HTML report printed by WeasyPrint
(:mod:`adapters.reports.pdf` says why WeasyPrint and not a headless browser): one
template for both.

::

    data = await load_report_data(repo, evaluation_id)   # None if no such evaluation
    content = render_report(data, "pdf")                # bytes
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from adapters.db.evaluations_repo import StoredEvaluation, ThetaPoint
from adapters.reports.html import render_html
from adapters.reports.model import (
    FORMATS,
    ReportData,
    ReportFormatUnsupported,
    TimelineEntry,
    render_json,
    timeline_entries,
)
from adapters.reports.pdf import render_pdf
from assess.recording import RecordedEvent

__all__ = [
    "FORMATS",
    "ReportData",
    "ReportFormatUnsupported",
    "ReportSource",
    "TimelineEntry",
    "check_format",
    "load_report_data",
    "render_html",
    "render_json",
    "render_pdf",
    "render_report",
    "timeline_entries",
]

class ReportSource(Protocol):
    """Where report data comes from (``EvaluationsRepo`` in production)."""

    async def get(self, evaluation_id: str) -> StoredEvaluation | None: ...

    async def theta_path(self, session_id: str) -> list[ThetaPoint]: ...

    async def recording(self, session_id: str) -> list[RecordedEvent]: ...


async def load_report_data(source: ReportSource, evaluation_id: str) -> ReportData | None:
    """The evaluation with its theta path and timeline; None if it does not exist."""
    evaluation = await source.get(evaluation_id)
    if evaluation is None:
        return None
    theta: Sequence[ThetaPoint] = await source.theta_path(evaluation.session_id)
    recording = await source.recording(evaluation.session_id)
    return ReportData(evaluation, tuple(theta), tuple(timeline_entries(recording)))


def check_format(fmt: str) -> None:
    """Raise :class:`ReportFormatUnsupported` for an unknown format."""
    if fmt not in FORMATS:
        raise ReportFormatUnsupported(f"unknown report format {fmt!r}; use json, html or pdf")


def render_report(data: ReportData, fmt: str) -> bytes:
    """The report in ``fmt`` (json, html or pdf) as bytes."""
    check_format(fmt)
    if fmt == "json":
        return render_json(data)
    if fmt == "pdf":
        return render_pdf(data)
    return render_html(data).encode()
