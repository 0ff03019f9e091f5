"""Inline SVG charts for the HTML report: the theta path with its SE band, and a timeline.

Plain strings, no external assets or scripts, so the report stays one
self-contained file that opens offline and prints as it looks. Every text that
goes into the markup is escaped. Theta and SE are on the logit scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from adapters.db.evaluations_repo import ThetaPoint
from adapters.reports.model import TimelineEntry

__all__ = ["TYPE_COLOURS", "theta_chart", "timeline_chart"]

WIDTH, HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 16, 14, 34
TYPE_COLOURS: dict[str, str] = {
    "session-started": "#4b5563", "ai-interaction": "#7c3aed", "code-changed": "#2563eb",
    "test-run": "#059669", "question-answered": "#d97706", "adjust-difficulty": "#db2777",
    "session-complete": "#111827",
}


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def theta_chart(points: Sequence[ThetaPoint]) -> str:
    """Theta after each scored response, with a ±1 SE band (about a 68% interval)."""
    if not points:
        return '<p class="empty">No scored responses: no ability estimate to plot.</p>'
    low = math.floor(min(-1.0, *(p.theta - p.se for p in points)))
    high = math.ceil(max(1.0, *(p.theta + p.se for p in points)))
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    n = len(points)

    def x(i: int) -> float:
        return _LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(theta: float) -> float:
        return _TOP + plot_h * (high - theta) / (high - low)

    upper = [f"{_fmt(x(i))},{_fmt(y(p.theta + p.se))}" for i, p in enumerate(points)]
    lower = [f"{_fmt(x(i))},{_fmt(y(p.theta - p.se))}" for i, p in enumerate(points)]
    line = " ".join(f"{_fmt(x(i))},{_fmt(y(p.theta))}" for i, p in enumerate(points))
    parts = [f'<svg id="theta-chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="Ability estimate after each of {n} responses, with its standard '
             'error band">']
    parts.extend(_gridline(tick, y(tick)) for tick in range(low, high + 1))
    parts.append(f'<polygon class="se-band" points="{" ".join(upper + lower[::-1])}" '
                 'fill="#93c5fd" fill-opacity="0.45" stroke="none"/>')
    parts.append(f'<polyline class="theta-line" points="{line}" fill="none" '
                 'stroke="#1d4ed8" stroke-width="2"/>')
    for i, p in enumerate(points):
        parts.append(f'<circle cx="{_fmt(x(i))}" cy="{_fmt(y(p.theta))}" r="3" fill="#1d4ed8">'
                     f'<title>response {i + 1}: theta {p.theta:.2f} ± {p.se:.2f}</title>'
                     '</circle>')
    parts.append(f'<text x="{_LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle" '
                 f'class="axis">scored response (1 to {n})</text>'
                 f'<text x="12" y="{_TOP + plot_h / 2:.0f}" text-anchor="middle" class="axis" '
                 f'transform="rotate(-90 12 {_TOP + plot_h / 2:.0f})">theta (logits)</text>')
    parts.append("</svg>")
    return "".join(parts)


def _gridline(tick: int, at: float) -> str:
    """A horizontal line and label at theta = ``tick`` (dashed at 0, the prior mean)."""
    dash = ' stroke-dasharray="4 3"' if tick == 0 else ""
    return (f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{_fmt(at)}" y2="{_fmt(at)}" '
            f'stroke="#e5e7eb"{dash}/><text x="{_LEFT - 6}" y="{_fmt(at + 4)}" '
            f'text-anchor="end" class="tick">{tick}</text>')


def timeline_chart(entries: Sequence[TimelineEntry]) -> str:
    """One mark per event along the session's duration, coloured by event type."""
    if not entries:
        return '<p class="empty">No events recorded.</p>'
    height, axis_y = 64, 30
    span = max(1.0, max(e.seconds for e in entries))
    plot_w = WIDTH - _LEFT - _RIGHT
    parts = [f'<svg id="timeline-chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="Session timeline of {len(entries)} events">',
             f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{axis_y}" y2="{axis_y}" '
             'stroke="#9ca3af"/>']
    for entry in entries:
        cx = _LEFT + plot_w * entry.seconds / span
        colour = TYPE_COLOURS.get(entry.type, "#6b7280")
        parts.append(f'<rect x="{cx - 1.5:.1f}" y="{axis_y - 10}" width="3" height="20" '
                     f'fill="{colour}"><title>+{entry.seconds:.0f}s '
                     f'{escape(entry.label)}</title></rect>')
    parts.append(f'<text x="{_LEFT}" y="{height - 6}" class="tick">0 s</text>'
                 f'<text x="{WIDTH - _RIGHT}" y="{height - 6}" text-anchor="end" '
                 f'class="tick">{span / 60:.0f} min</text></svg>')
    return "".join(parts)
