"""A radar chart as plain SVG, built from a scoring result: vector graphics for the PDF.

No browser and no plotting backend: the geometry is a few lines of trigonometry.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from assessments.charts import band_thresholds
from catalogue.scoring import BandRule, ScoreResult

FONT = "DejaVu Sans, sans-serif"
# Wide enough that the longest dimension name fits beside the left and right axes.
WIDTH, HEIGHT = 700, 440
CENTRE_X, CENTRE_Y = WIDTH / 2, 200
RADIUS = 140


def _point(index: int, count: int, value: float, top: float) -> tuple[float, float]:
    # First axis at the top, then clockwise, like the page's plotly chart.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = RADIUS * value / top
    return CENTRE_X + distance * math.cos(angle), CENTRE_Y + distance * math.sin(angle)


def _polygon(values: list[float], top: float) -> str:
    points = (_point(i, len(values), v, top) for i, v in enumerate(values))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _label(index: int, count: int, text: str) -> str:
    x, y = _point(index, count, 1.1, 1)
    anchor = "middle" if abs(x - CENTRE_X) < 1 else ("start" if x > CENTRE_X else "end")
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle" '
        f'font-family="{FONT}" font-size="11" fill="#212529">{escape(text)}</text>'
    )


def radar_svg(
    current: ScoreResult,
    bands: tuple[BandRule, ...],
    previous: ScoreResult | None = None,
    current_label: str = "This quarter",
    previous_label: str = "Previous quarter",
) -> str:
    dims = current.dimensions
    count, top = len(dims), max(dim.max_total for dim in dims)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="Radar chart">'
    ]
    for ring in (*band_thresholds(bands), top):
        parts.append(
            f'<polygon points="{_polygon([ring] * count, top)}" fill="none" stroke="#adb5bd" '
            f'stroke-width="1" stroke-dasharray="{"none" if ring == top else "3,3"}"/>'
        )
        x, y = _point(0, count, ring, top)
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 10:.1f}" font-family="{FONT}" font-size="9" '
            f'fill="#6c757d">{ring}</text>'
        )
    for index in range(count):
        x, y = _point(index, count, top, top)
        parts.append(
            f'<line x1="{CENTRE_X}" y1="{CENTRE_Y}" x2="{x:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
        )
    if previous is not None:
        parts.append(
            f'<polygon points="{_polygon([d.total for d in previous.dimensions], top)}" '
            'fill="none" stroke="#6c757d" stroke-width="2" stroke-dasharray="6,4"/>'
        )
    parts.append(
        f'<polygon points="{_polygon([d.total for d in dims], top)}" fill="#0a4baf" '
        'fill-opacity="0.25" stroke="#0a4baf" stroke-width="2.5"/>'
    )
    parts.extend(_label(i, count, f"{d.name} ({d.total})") for i, d in enumerate(dims))
    legend_y = HEIGHT - 12
    parts.append(
        f'<rect x="{CENTRE_X - 140}" y="{legend_y - 8}" width="14" height="10" fill="#0a4baf" '
        'fill-opacity="0.4"/>'
        f'<text x="{CENTRE_X - 120}" y="{legend_y}" font-family="{FONT}" font-size="11">'
        f"{escape(current_label)}</text>"
    )
    if previous is not None:
        parts.append(
            f'<line x1="{CENTRE_X + 20}" y1="{legend_y - 3}" x2="{CENTRE_X + 40}" '
            f'y2="{legend_y - 3}" stroke="#6c757d" '
            f'stroke-width="2" stroke-dasharray="6,4"/><text x="{CENTRE_X + 46}" y="{legend_y}" '
            f'font-family="{FONT}" font-size="11">{escape(previous_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
