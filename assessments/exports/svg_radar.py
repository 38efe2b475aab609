"""A radar chart as plain SVG, built from a scoring result: vector graphics for the PDF.

No browser and no plotting backend: the geometry is a few lines of trigonometry.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from assessments.charts import TARGET_COLOUR, TARGET_LABEL, band_thresholds
from catalogue.scoring import BandRule, ScoreResult

FONT = "DejaVu Sans, sans-serif"
# Wide enough that the longest dimension name fits beside the left and right axes.
WIDTH, HEIGHT = 700, 440
CENTRE_X, CENTRE_Y = WIDTH / 2, 200
RADIUS = 140
RANGE_COLOUR = "#7a4fb0"
RANGE_LABEL = "Lowest to highest answer"
SWATCH = 26  # a legend swatch and the space before its label
LEGEND_GAP = 24


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
    answer_range: dict[str, tuple[int, int]] | None = None,
    targets: dict[str, int] | None = None,
) -> str:
    """`answer_range`, per dimension code the lowest and highest total of the people who
    answered, is drawn as a light band between two dotted outlines behind the agreed line.
    `targets`, the team's target total per dimension code, is a dashed ring with a dot on each
    dimension that has one."""
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
    if answer_range:
        lowest = _polygon([answer_range[d.code][0] for d in dims], top)
        highest = _polygon([answer_range[d.code][1] for d in dims], top)
        # One shape, the highest outline with the lowest cut out of it: the band between them.
        parts.append(
            f'<path d="M{highest}Z M{lowest}Z" fill="{RANGE_COLOUR}" fill-opacity="0.18" '
            'fill-rule="evenodd" stroke="none"/>'
        )
        parts.extend(
            f'<polygon points="{outline}" fill="none" stroke="{RANGE_COLOUR}" stroke-width="1.5" '
            'stroke-dasharray="2,3"/>'
            for outline in (lowest, highest)
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
    if targets:
        parts.extend(_target_ring([targets.get(d.code) for d in dims], top))
    parts.extend(_label(i, count, f"{d.name} ({d.total})") for i, d in enumerate(dims))
    parts.extend(
        _legend(
            current_label,
            previous_label if previous is not None else None,
            bool(answer_range),
            bool(targets),
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _target_ring(targets: list[int | None], top: float) -> list[str]:
    """A dashed segment between neighbouring dimensions that both have a target, and a dot on
    each target: a dimension without one leaves a gap, as on the page's chart."""
    count = len(targets)
    points = [
        _point(i, count, target, top) if target is not None else None
        for i, target in enumerate(targets)
    ]
    parts = []
    for i, start in enumerate(points):
        end = points[(i + 1) % count]
        if start is not None and end is not None and count > 1:
            parts.append(
                f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" '
                f'y2="{end[1]:.1f}" stroke="{TARGET_COLOUR}" stroke-width="2" '
                'stroke-dasharray="5,3" class="target-ring"/>'
            )
    parts.extend(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{TARGET_COLOUR}" class="target-dot"/>'
        for x, y in (point for point in points if point is not None)
    )
    return parts


def _legend(
    current_label: str, previous_label: str | None, answer_range: bool, targets: bool = False
) -> list[str]:
    """One row under the chart: a swatch and a label per line drawn, centred."""
    swatches = [
        (
            '<rect x="{x}" y="{y_box}" width="14" height="10" fill="#0a4baf" fill-opacity="0.4"/>',
            current_label,
        )
    ]
    if previous_label is not None:
        swatches.append(
            (
                '<line x1="{x}" y1="{y_line}" x2="{x_end}" y2="{y_line}" stroke="#6c757d" '
                'stroke-width="2" stroke-dasharray="6,4"/>',
                previous_label,
            )
        )
    if answer_range:
        swatches.append(
            (
                f'<rect x="{{x}}" y="{{y_box}}" width="14" height="10" fill="{RANGE_COLOUR}" '
                f'fill-opacity="0.18" stroke="{RANGE_COLOUR}" stroke-dasharray="2,2"/>',
                RANGE_LABEL,
            )
        )
    if targets:
        swatches.append(
            (
                f'<line x1="{{x}}" y1="{{y_line}}" x2="{{x_end}}" y2="{{y_line}}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="5,3"/>',
                TARGET_LABEL,
            )
        )
    widths = [SWATCH + _text_width(label) + LEGEND_GAP for _swatch, label in swatches]
    x = CENTRE_X - (sum(widths) - LEGEND_GAP) / 2
    y = HEIGHT - 12
    parts = []
    for (swatch, label), width in zip(swatches, widths, strict=True):
        parts.append(
            swatch.format(x=f"{x:.1f}", x_end=f"{x + 20:.1f}", y_box=y - 8, y_line=y - 3)
            + f'<text x="{x + SWATCH:.1f}" y="{y}" font-family="{FONT}" font-size="11">'
            + f"{escape(label)}</text>"
        )
        x += width
    return parts


def _text_width(label: str) -> float:
    # DejaVu Sans at 11px averages under 7px a character: enough room, never an overlap.
    return 7 * len(label)
