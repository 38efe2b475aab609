"""Sparklines: a tiny line of totals over quarters, as inline SVG. Pure Python.

Drawn on the server so the page needs no script to show them (the CSP allows none inline), and
the same markup can go into a PDF. Every piece of text is escaped; the SVG carries its own text
alternative (role="img" with an aria-label and a <title>), since a line alone says nothing to a
screen reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WIDTH = 112
HEIGHT = 32
PAD = 3  # keeps the end dots inside the box
LINE_COLOUR = "#0a4baf"
THRESHOLD_COLOUR = "#adb5bd"
MISSING = _("no submission")


def describe(name: str, labels: Sequence[str], values: Sequence[int | None]) -> str:
    """The sparkline in words: "Value Orientation, 2025 Q4 to 2026 Q3: 12, 14, no submission,
    18." (every value, in order, so nothing is lost to someone who cannot see the line)."""
    if len(labels) != len(values):
        raise ValueError("One label per value.")
    if not values:
        return gettext("%(name)s: no quarters.") % {"name": name}
    shown = ", ".join(str(MISSING) if value is None else str(value) for value in values)
    span = (
        labels[0]
        if len(labels) == 1
        else gettext("%(first)s to %(last)s") % {"first": labels[0], "last": labels[-1]}
    )
    return f"{name}, {span}: {shown}."


def _points(
    values: Sequence[int | None], low: int, high: int, width: int, height: int
) -> list[tuple[float, float] | None]:
    step = (width - 2 * PAD) / (len(values) - 1) if len(values) > 1 else 0
    span = high - low or 1
    points: list[tuple[float, float] | None] = []
    for index, value in enumerate(values):
        if value is None:
            points.append(None)
            continue
        clamped = min(max(value, low), high)
        x = PAD + index * step if len(values) > 1 else width / 2
        y = PAD + (high - clamped) / span * (height - 2 * PAD)
        points.append((round(x, 1), round(y, 1)))
    return points


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive drawn points: a missing quarter breaks the line rather than bridging it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def sparkline_svg(
    values: Sequence[int | None],
    *,
    low: int,
    high: int,
    label: str,
    thresholds: Sequence[int] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """An inline SVG of `values` (None where a quarter has no total) on a fixed `low`..`high`
    scale, so every team's line for a dimension can be compared at a glance; `thresholds`
    (band limits) are drawn as faint dotted lines. `label` is the text alternative."""
    if high <= low:
        raise ValueError("high must be above low.")
    points = _points(values, low, high, width, height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label, quote=True)}"><title>{escape(label)}</title>'
    ]
    for threshold in thresholds:
        if low < threshold < high:
            y = round(PAD + (high - threshold) / (high - low) * (height - 2 * PAD), 1)
            parts.append(
                f'<line x1="0" x2="{width}" y1="{y}" y2="{y}" stroke="{THRESHOLD_COLOUR}" '
                'stroke-width="1" stroke-dasharray="2 2"/>'
            )
    for run in _runs(points):
        if len(run) == 1:
            x, y = run[0]
            parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{LINE_COLOUR}"/>')
        else:
            coords = " ".join(f"{x},{y}" for x, y in run)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{LINE_COLOUR}" '
                'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    drawn = [point for point in points if point is not None]
    if drawn:  # the latest total, marked so the line's end reads as "now"
        x, y = drawn[-1]
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{LINE_COLOUR}"/>')
    parts.append("</svg>")
    # Safe: every number is formatted here and the only text (the label) is escaped above.
    return mark_safe("".join(parts))
