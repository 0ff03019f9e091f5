"""Evaluation reports: JSON and a self-contained HTML page, stored in ``internal.reports``.

PDF is refused with a permanent error. The HTML page already prints cleanly to
PDF from any browser, while producing PDF here would mean either a native
rendering stack (WeasyPrint needs Pango and Cairo) or redrawing every chart and
table a second time with a pure-Python PDF API (fpdf2, ReportLab) and keeping
the two layouts in step. Neither is cheap enough for what it adds.

::

    data = await load_report_data(repo, evaluation_id)   # None if no such evaluation
    content = render_report(data, "html")               # bytes
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
from assess.recording import RecordedEvent

__all__ = [
    "FORMATS",
    "PDF_REFUSAL",
    "ReportData",
    "ReportFormatUnsupported",
    "ReportSource",
    "TimelineEntry",
    "check_format",
    "load_report_data",
    "render_html",
    "render_json",
    "render_report",
    "timeline_entries",
]

PDF_REFUSAL = ("PDF reports are not produced: use format 'html' (a self-contained page that "
               "prints to PDF from any browser). A PDF renderer would need native libraries "
               "or a second, hand-kept layout of the same report.")


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
    """Raise :class:`ReportFormatUnsupported` for PDF and unknown formats."""
    if fmt == "pdf":
        raise ReportFormatUnsupported(PDF_REFUSAL)
    if fmt not in FORMATS:
        raise ReportFormatUnsupported(f"unknown report format {fmt!r}; use json or html")


def render_report(data: ReportData, fmt: str) -> bytes:
    """The report in ``fmt`` (json or html) as bytes."""
    check_format(fmt)
    if fmt == "json":
        return render_json(data)
    return render_html(data).encode()

