"""The PDF report: the HTML report's own page, laid out for print by WeasyPrint.

One template: :func:`adapters.reports.html.render_html` makes the page and this
module only prints it, so the PDF and the HTML can never drift apart. The page
needs nothing from outside (inline CSS and SVG, no scripts, no external assets), so
the renderer is given no base URL and fetches nothing: an URL in stored data
cannot make it read a file or the network.

Why WeasyPrint rather than a headless browser's print-to-PDF: the report is static
HTML and SVG with no scripts, which WeasyPrint lays out fully, while a browser in
the worker image would add Chromium (about 300 MB installed, a sandbox to run
as the unprivileged user, and a process per render). WeasyPrint is a pure-Python
wheel that uses Pango through cffi: in the slim image that is
``libpango-1.0-0 libpangoft2-1.0-0`` and a font package, tens of MB, and a render
is an in-process call of a few hundred milliseconds.
"""

from __future__ import annotations

from typing import Any

from adapters.reports.html import render_html
from adapters.reports.model import ReportData, ReportFormatUnsupported

__all__ = ["render_pdf"]

#: Print layout on top of the page's own CSS: A4 with margins, no page background, and
#: one installed font named (a generic ``system-ui`` stack costs a font search per line);
#: a dimension may break across pages (kept whole, a long one leaves page 1 empty).
_PRINT_CSS = ('@page{size:A4;margin:14mm 12mm}main{padding:0}'
              'body{background:#fff;font-family:"DejaVu Sans",sans-serif}'
              '.dimension{break-inside:auto}h2,h3{break-after:avoid}li,pre{break-inside:avoid}')


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes (the same page as :func:`render_html`)."""
    weasyprint = _weasyprint()
    # After the page's own <style>, as author CSS: WeasyPrint's ``stylesheets`` argument
    # is user-origin CSS, which loses to the page's rules.
    html = render_html(data).replace("</head>", f"<style>{_PRINT_CSS}</style></head>", 1)
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf


def _weasyprint() -> Any:
    """Import WeasyPrint, or say what to install (its native libraries may be missing)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango not installed
        raise ReportFormatUnsupported(
            "PDF reports need WeasyPrint and Pango (apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0): {type(exc).__name__}") from None
    return weasyprint


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """The report is self-contained; any fetch is a bug or an injection: refuse it."""
    raise ValueError(f"the PDF report fetches no resources (asked for {url[:80]!r})")
