"""A radar chart as plain SVG, built from a scoring result: the PDF's vector graphics and the
report page's chart (inline in the HTML: no script and no plotting library to download).

No browser and no plotting backend: the geometry is a few lines of trigonometry. Text widths are
estimated from DejaVu Sans's advance widths, so the axis labels are wrapped, placed outside the
outer ring and pushed apart until no two of their boxes meet (`label_boxes`, which the tests
check for any names).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.charts import (
    CURRENT_COLOUR,
    PEER_COLOUR,
    PEER_LOWER_LABEL,
    PEER_UPPER_LABEL,
    TARGET_COLOUR,
    TARGET_LABEL,
    band_thresholds,
)
from catalogue.scoring import BandRule, ScoreResult

FONT = "DejaVu Sans, Verdana, sans-serif"
RANGE_COLOUR = "#7a4fb0"
RANGE_LABEL = _("Lowest to highest answer")
PEER_LABEL = _("Peers: lower to upper quartile")
SWATCH = 26  # a legend swatch and the space before its label
LEGEND_GAP = 24
LINE_HEIGHT = 1.2  # of the font size
GAP = 8  # between the outer ring and a label
MARGIN = 6  # around the whole drawing
LABEL_PAD = 3  # the least room between two labels' boxes

# DejaVu Sans's advance widths (em) of the printable ASCII characters, space to "~"; any other
# character counts as 1 em, wider than most, so an estimate errs on the side of more room.
_ASCII = (
    "0.318 0.401 0.46 0.838 0.636 0.95 0.78 0.275 0.39 0.39 0.5 0.838 0.318 0.361 0.318 0.337 "
    "0.636 0.636 0.636 0.636 0.636 0.636 0.636 0.636 0.636 0.636 0.337 0.337 0.838 0.838 0.838 "
    "0.531 1.0 0.684 0.686 0.698 0.77 0.632 0.575 0.775 0.752 0.295 0.295 0.656 0.557 0.863 "
    "0.748 0.787 0.603 0.787 0.695 0.635 0.611 0.732 0.684 0.989 0.685 0.611 0.685 0.39 0.337 "
    "0.39 0.838 0.5 0.5 0.613 0.635 0.55 0.635 0.615 0.352 0.635 0.634 0.278 0.278 0.579 0.278 "
    "0.974 0.634 0.612 0.635 0.635 0.411 0.521 0.392 0.634 0.592 0.818 0.592 0.592 0.525 0.636 "
    "0.337 0.636 0.838"
)
EM_WIDTHS = {chr(32 + i): float(w) for i, w in enumerate(_ASCII.split())}


@dataclass(frozen=True)
class Style:
    """Sizes in SVG units. `side_wrap` is the widest a label beside the chart may be (a label
    above or below it may use the whole width); `responsive` drops the fixed size, so the chart
    scales to its container's width."""

    width: float
    font_size: float
    ring_font_size: float
    side_wrap: float
    max_radius: float
    legend: bool
    responsive: bool


PDF = Style(700, 11, 9, 190, 140, legend=True, responsive=False)
# About 1.2 units to a pixel in a desktop column, 0.75 on a phone: text stays 10 px or more.
PAGE = Style(460, 13, 11, 96, 170, legend=False, responsive=True)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def meets(self, other: Box, pad: float = 0) -> bool:
        return not (
            self.right + pad <= other.left
            or other.right + pad <= self.left
            or self.bottom + pad <= other.top
            or other.bottom + pad <= self.top
        )


@dataclass(frozen=True)
class Label:
    lines: tuple[str, ...]
    anchor: str  # "start", "middle" or "end"
    box: Box  # relative to the chart's centre


@dataclass(frozen=True)
class LegendEntry:
    label: str
    swatch: str  # a small SVG, built here from constants


@dataclass(frozen=True)
class PageRadar:
    svg: str
    legend: tuple[LegendEntry, ...]
    rings: tuple[tuple[int, str], ...]  # (total, the band that ends there)


def text_width(text: str, font_size: float) -> float:
    return font_size * sum(EM_WIDTHS.get(char, 1.0) for char in text)


def wrap(text: str, font_size: float, width: float) -> tuple[str, ...]:
    """Whole words on lines no wider than `width`; a longer word is cut to fit."""
    lines: list[str] = []
    for word in _pieces(text.split(), font_size, width):
        if lines and text_width(f"{lines[-1]} {word}", font_size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return tuple(lines) or ("",)


def _pieces(words: list[str], font_size: float, width: float):
    for word in words:
        while text_width(word, font_size) > width and len(word) > 1:
            cut = max(
                (n for n in range(1, len(word)) if text_width(word[:n], font_size) <= width),
                default=1,
            )
            yield word[:cut]
            word = word[cut:]
        yield word


def _angle(index: int, count: int) -> float:
    # First axis at the top, then clockwise.
    return -math.pi / 2 + 2 * math.pi * index / count


def label_boxes(texts: list[str], style: Style) -> tuple[float, list[Label]]:
    """The outer ring's radius and each axis label, wrapped and placed outside the ring, its
    box relative to the centre. No two boxes meet, none reaches inside the outer ring, and all
    fit in `style.width`."""
    count = len(texts)
    half = style.width / 2 - MARGIN
    line_height = style.font_size * LINE_HEIGHT
    shapes = []
    for index, text in enumerate(texts):
        cos = math.cos(_angle(index, count))
        beside = abs(cos) > 0.05
        # A label above or below the chart may be as wide as the chart; one beside it narrower.
        limit = style.side_wrap if beside else 2 * half
        lines = wrap(text, style.font_size, limit)
        width = max(text_width(line, style.font_size) for line in lines)
        shapes.append((lines, width, len(lines) * line_height, beside))
    # The largest radius at which every label beside the chart still fits across.
    radius = style.max_radius
    for index, (_lines, width, _height, beside) in enumerate(shapes):
        cos = abs(math.cos(_angle(index, count)))
        if beside:
            radius = min(radius, (half - width) / cos - GAP)
    labels = []
    for index, (lines, width, height, beside) in enumerate(shapes):
        angle = _angle(index, count)
        x, y = (radius + GAP) * math.cos(angle), (radius + GAP) * math.sin(angle)
        if not beside:
            anchor, left = "middle", x - width / 2
        elif x > 0:
            anchor, left = "start", x
        else:
            anchor, left = "end", x - width
        # Above the axis's end on the upper half, below it on the lower, centred at the sides.
        top = y - height / 2 + height / 2 * math.sin(angle)
        labels.append(_clear_of_ring(Label(lines, anchor, Box(left, top, width, height)), radius))
    return radius, _apart(labels)


def _clear_of_ring(label: Label, radius: float) -> Label:
    """A tall label beside the chart, on a diagonal, can reach over the ring: move it away
    from the horizontal axis until its inner corner is outside."""
    box, reach = label.box, radius + GAP / 2
    inner = box.left if label.anchor == "start" else box.right
    if label.anchor == "middle" or abs(inner) >= reach:
        return label
    span = math.sqrt(reach**2 - inner**2)  # the ring's height above and below the axis there
    if box.top + box.height / 2 >= 0 and box.top < span:
        top = span
    elif box.top + box.height / 2 < 0 and box.bottom > -span:
        top = -span - box.height
    else:
        return label
    return Label(label.lines, label.anchor, Box(box.left, top, box.width, box.height))


def _apart(labels: list[Label]) -> list[Label]:
    """Move labels that meet a neighbour away from the horizontal axis, never towards it (so
    never into the ring): per side, outwards from the label nearest the axis; then the labels
    above and below the chart clear the rest."""
    placed = list(labels)

    def moved(index: int, top: float) -> None:
        label = placed[index]
        box = label.box
        placed[index] = Label(label.lines, label.anchor, Box(box.left, top, box.width, box.height))

    for side in ("start", "end"):
        members = sorted(
            (i for i, label in enumerate(placed) if label.anchor == side),
            key=lambda i: placed[i].box.top + placed[i].box.height / 2,
        )
        if not members:
            continue
        pivot = min(
            range(len(members)),
            key=lambda k: abs(placed[members[k]].box.top + placed[members[k]].box.height / 2),
        )
        for k in range(pivot - 1, -1, -1):  # upwards
            above, below = placed[members[k]].box, placed[members[k + 1]].box
            if above.bottom + LABEL_PAD > below.top:
                moved(members[k], below.top - LABEL_PAD - above.height)
        for k in range(pivot + 1, len(members)):  # downwards
            above, below = placed[members[k - 1]].box, placed[members[k]].box
            if below.top < above.bottom + LABEL_PAD:
                moved(members[k], above.bottom + LABEL_PAD)
    for index, label in enumerate(placed):
        if label.anchor != "middle":
            continue
        others = [other.box for i, other in enumerate(placed) if i != index]
        upper = label.box.top < 0
        while any(label.box.meets(other, LABEL_PAD) for other in others):
            clash = [o for o in others if label.box.meets(o, LABEL_PAD)]
            box = label.box
            top = (
                min(o.top for o in clash) - LABEL_PAD - box.height
                if upper
                else max(o.bottom for o in clash) + LABEL_PAD
            )
            moved(index, top)
            label = placed[index]
    return placed


class _Canvas:
    """Chart units (0 to the top total) to SVG coordinates around a centre."""

    def __init__(self, centre_x: float, centre_y: float, radius: float, count: int, top: float):
        self.centre_x, self.centre_y = centre_x, centre_y
        self.radius, self.count, self.top = radius, count, top

    def point(self, index: int, value: float) -> tuple[float, float]:
        angle, distance = _angle(index, self.count), self.radius * value / self.top
        return (
            self.centre_x + distance * math.cos(angle),
            self.centre_y + distance * math.sin(angle),
        )

    def polygon(self, values: list[float]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self._points(values))

    def _points(self, values: list[float]):
        return (self.point(i, v) for i, v in enumerate(values))


def radar_svg(
    current: ScoreResult,
    bands: tuple[BandRule, ...],
    previous: ScoreResult | None = None,
    current_label: str = _("This quarter"),
    previous_label: str = _("Previous quarter"),
    answer_range: dict[str, tuple[int, int]] | None = None,
    targets: dict[str, int] | None = None,
    benchmark: dict[str, tuple] | None = None,
    *,
    style: Style = PDF,
) -> str:
    """`answer_range`, per dimension code the lowest and highest total of the people who
    answered, is drawn as a light band between two dotted outlines behind the agreed line.
    `targets`, the team's target total per dimension code, is a dashed ring with a dot on each
    dimension that has one. `benchmark`, per dimension code the peers' (lower quartile, upper
    quartile), is a green band between them (a gap where a dimension has none). The band
    thresholds are dotted rings, each labelled with its total."""
    dims = current.dimensions
    count, top = len(dims), max(dim.max_total for dim in dims)
    radius, labels = label_boxes([f"{d.name} ({d.total})" for d in dims], style)
    upper = min(-radius, *(label.box.top for label in labels))
    lower = max(radius, *(label.box.bottom for label in labels))
    legend_height = 2.2 * style.font_size + 8 if style.legend else 0
    height = math.ceil(lower - upper + 2 * MARGIN + legend_height)
    canvas = _Canvas(style.width / 2, MARGIN - upper, radius, count, top)
    size = "" if style.responsive else f' width="{style.width:g}" height="{height}"'
    width = ' width="100%"' if style.responsive else ""
    # On the page the <title> and <desc> name and describe it; in the PDF a short label does.
    chart_name = gettext("Radar chart")
    chart_name = escape(chart_name, {'"': "&quot;"})
    label = "" if style.responsive else f' aria-label="{chart_name}"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {style.width:g} {height}"'
        f'{size}{width} class="radar-svg" role="img"{label}>'
    ]
    if style.responsive:
        parts.append(_description(current, previous, current_label, previous_label, targets))
    rings = (*band_thresholds(bands), top)
    for ring in rings:
        parts.append(
            f'<polygon points="{canvas.polygon([ring] * count)}" fill="none" stroke="#adb5bd" '
            f'stroke-width="1" stroke-dasharray="{"none" if ring == top else "3,3"}"/>'
        )
    for index in range(count):
        x, y = canvas.point(index, top)
        parts.append(
            f'<line x1="{canvas.centre_x:.1f}" y1="{canvas.centre_y:.1f}" x2="{x:.1f}" '
            f'y2="{y:.1f}" stroke="#dee2e6"/>'
        )
    if benchmark:
        parts.extend(_peer_band(canvas, [benchmark.get(d.code) for d in dims]))
    if answer_range:
        lowest = canvas.polygon([answer_range[d.code][0] for d in dims])
        highest = canvas.polygon([answer_range[d.code][1] for d in dims])
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
            f'<polygon points="{canvas.polygon([d.total for d in previous.dimensions])}" '
            'fill="none" stroke="#6c757d" stroke-width="2" stroke-dasharray="6,4"/>'
        )
    parts.append(
        f'<polygon points="{canvas.polygon([d.total for d in dims])}" fill="{CURRENT_COLOUR}" '
        f'fill-opacity="0.25" stroke="{CURRENT_COLOUR}" stroke-width="2.5"/>'
    )
    if targets:
        parts.extend(_target_ring(canvas, [targets.get(d.code) for d in dims]))
    parts.extend(_ring_labels(canvas, rings, style))
    parts.extend(_axis_label(canvas, label, style) for label in labels)
    if style.legend:
        parts.extend(
            _legend(
                current_label,
                previous_label if previous is not None else None,
                bool(answer_range),
                bool(targets),
                bool(benchmark),
                centre_x=canvas.centre_x,
                baseline=height - MARGIN - 6,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def page_radar(
    current: ScoreResult,
    bands: tuple[BandRule, ...],
    previous: ScoreResult | None = None,
    current_label: str = _("This quarter"),
    previous_label: str = _("Previous quarter"),
    answer_range: dict[str, tuple[int, int]] | None = None,
    targets: dict[str, int] | None = None,
    benchmark: dict[str, tuple] | None = None,
) -> PageRadar:
    """The report page's radar: the SVG scales to its column, with the legend and the rings'
    band names as HTML beside it (readable at any width)."""
    svg = radar_svg(
        current,
        bands,
        previous,
        current_label,
        previous_label,
        answer_range,
        targets,
        benchmark,
        style=PAGE,
    )
    entries = _legend_entries(
        current_label,
        previous_label if previous is not None else None,
        bool(answer_range),
        bool(targets),
        bool(benchmark),
    )
    legend = tuple(
        LegendEntry(
            label,
            '<svg xmlns="http://www.w3.org/2000/svg" width="22" height="12" viewBox="0 0 22 12" '
            'aria-hidden="true" focusable="false">'
            + swatch.format(x=1, x_end=21, y_box=1, y_line=6)
            + "</svg>",
        )
        for swatch, label in entries
    )
    ordered = sorted(bands, key=lambda b: b.min_total)
    return PageRadar(svg, legend, tuple((band.max_total, band.label) for band in ordered))


def _description(current, previous, current_label, previous_label, targets) -> str:
    """The chart's title and, for screen readers, its numbers (the table beside holds them too)."""
    totals = "; ".join(f"{d.name} {d.total} of {d.max_total}" for d in current.dimensions)
    text = f"{current_label}: {totals}."
    if previous is not None:
        before = "; ".join(f"{d.name} {d.total}" for d in previous.dimensions)
        text += f" {previous_label}: {before}."
    if targets:
        goals = "; ".join(
            f"{d.name} {targets[d.code]}" for d in current.dimensions if d.code in targets
        )
        text += f" {TARGET_LABEL}: {goals}."
    title = gettext("Radar chart of the dimension totals")
    beside = gettext("The same numbers are in the table beside the chart.")
    return f"<title>{escape(title)}</title><desc>{escape(text)} {escape(beside)}</desc>"


def _ring_labels(canvas: _Canvas, rings: tuple[int, ...], style: Style) -> list[str]:
    """Each ring's total, on the bisector between the first two axes (clear of the spokes and
    of the axis labels, which sit outside the outer ring), with a white halo over the lines."""
    if canvas.count < 2:
        return []
    angle = _angle(0, canvas.count) + math.pi / canvas.count
    parts = []
    for ring in rings:
        distance = canvas.radius * ring / canvas.top
        x = canvas.centre_x + distance * math.cos(angle)
        y = canvas.centre_y + distance * math.sin(angle)
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="middle" '
            f'font-family="{FONT}" font-size="{style.ring_font_size:g}" fill="#495057" '
            'stroke="#fff" stroke-width="3" paint-order="stroke" class="ring-label">'
            f"{ring}</text>"
        )
    return parts


def _axis_label(canvas: _Canvas, label: Label, style: Style) -> str:
    x = (
        canvas.centre_x
        + {
            "start": label.box.left,
            "end": label.box.right,
            "middle": label.box.left + label.box.width / 2,
        }[label.anchor]
    )
    line_height = style.font_size * LINE_HEIGHT
    # The first baseline: one line down from the box's top, less the descent.
    y = canvas.centre_y + label.box.top + style.font_size
    lines = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_height:g}">{escape(line)}</tspan>'
        if len(label.lines) > 1
        else escape(line)
        for i, line in enumerate(label.lines)
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{label.anchor}" font-family="{FONT}" '
        f'font-size="{style.font_size:g}" fill="#212529" class="axis-label">{lines}</text>'
    )


def _target_ring(canvas: _Canvas, targets: list[int | None]) -> list[str]:
    """A dashed segment between neighbouring dimensions that both have a target, and a dot on
    each target: a dimension without one leaves a gap."""
    count = len(targets)
    points = [
        canvas.point(i, target) if target is not None else None for i, target in enumerate(targets)
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


def _peer_band(canvas: _Canvas, quartiles: list[tuple | None]) -> list[str]:
    """Between neighbouring dimensions that both have peers, a filled quadrilateral from the
    lower to the upper quartiles, and the two quartiles' dotted edges: a gap where a dimension
    has no peers."""
    count = len(quartiles)
    parts = []
    for i, here in enumerate(quartiles):
        there = quartiles[(i + 1) % count]
        if here is None or there is None or count < 2:
            continue
        j = (i + 1) % count
        corners = [
            canvas.point(i, float(here[1])),
            canvas.point(j, float(there[1])),
            canvas.point(j, float(there[0])),
            canvas.point(i, float(here[0])),
        ]
        points = " ".join(f"{x:.2f},{y:.2f}" for x, y in corners)
        parts.append(
            f'<polygon points="{points}" fill="{PEER_COLOUR}" fill-opacity="0.14" '
            'stroke="none" class="peer-band"/>'
        )
        for which, name in ((0, PEER_LOWER_LABEL), (1, PEER_UPPER_LABEL)):
            (x1, y1), (x2, y2) = (
                canvas.point(i, float(here[which])),
                canvas.point(j, float(there[which])),
            )
            parts.append(
                f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" '
                f'stroke="{PEER_COLOUR}" stroke-width="1" stroke-dasharray="1,3" '
                f'class="peer-{"lower" if which == 0 else "upper"}"><title>{name}</title></line>'
            )
    return parts


def _legend_entries(
    current_label: str,
    previous_label: str | None,
    answer_range: bool,
    targets: bool = False,
    benchmark: bool = False,
) -> list[tuple[str, str]]:
    """(swatch template, label) per thing drawn: x, x_end, y_box and y_line place the swatch."""
    swatches = [
        (
            f'<rect x="{{x}}" y="{{y_box}}" width="14" height="10" fill="{CURRENT_COLOUR}" '
            'fill-opacity="0.4"/>',
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
    if benchmark:
        swatches.append(
            (
                f'<rect x="{{x}}" y="{{y_box}}" width="14" height="10" fill="{PEER_COLOUR}" '
                f'fill-opacity="0.14" stroke="{PEER_COLOUR}" stroke-dasharray="1,2"/>',
                PEER_LABEL,
            )
        )
    return swatches


def _legend(
    current_label: str,
    previous_label: str | None,
    answer_range: bool,
    targets: bool = False,
    benchmark: bool = False,
    *,
    centre_x: float,
    baseline: float,
) -> list[str]:
    """One row under the chart: a swatch and a label per line drawn, centred."""
    swatches = _legend_entries(current_label, previous_label, answer_range, targets, benchmark)
    widths = [SWATCH + text_width(label, 11) + LEGEND_GAP for _swatch, label in swatches]
    x = centre_x - (sum(widths) - LEGEND_GAP) / 2
    y = baseline
    parts = []
    for (swatch, label), width in zip(swatches, widths, strict=True):
        parts.append(
            swatch.format(
                x=f"{x:.1f}", x_end=f"{x + 20:.1f}", y_box=f"{y - 8:g}", y_line=f"{y - 3:g}"
            )
            + f'<text x="{x + SWATCH:.1f}" y="{y:g}" font-family="{FONT}" font-size="11">'
            + f"{escape(label)}</text>"
        )
        x += width
    return parts
