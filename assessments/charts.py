"""Plotly figures built from scoring results, as plain figure dicts that plotly.js draws: the
team page's trends and the compare page's overlaid radars. The report's radar is SVG drawn on
the server (assessments/exports/svg_radar.py), with the colours and labels defined here.

The dicts follow plotly's figure schema (tests validate them with plotly.graph_objects);
building them directly skips graph_objects' per-attribute validation on every request. Their
trace types must be in the plotly.js bundle (scripts/build-plotly.mjs: scatter, scatterpolar).
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogue.scoring import BandRule, ScoreResult

CURRENT_COLOUR = "#0a4baf"
PEER_COLOUR = "#1e7b4d"
PEER_LOWER_LABEL = _("Peers: lower quartile")
PEER_UPPER_LABEL = _("Peers: upper quartile")
TARGET_COLOUR = "#a14a00"
TARGET_LABEL = _("Target")
FONT = {"family": "DejaVu Sans, Arial, sans-serif"}
BAND_FILLS = {
    "critical": "rgba(176, 42, 55, 0.10)",
    "caution": "rgba(255, 209, 102, 0.22)",
    "good": "rgba(30, 123, 77, 0.12)",
}


def band_thresholds(bands: tuple[BandRule, ...] | list[BandRule]) -> list[int]:
    """The totals where one band ends and the next begins (10 and 18 for v0)."""
    return [band.max_total for band in sorted(bands, key=lambda b: b.min_total)[:-1]]


def _closed(values: list) -> list:
    return [*values, values[0]]


def _radar_layout(names: list[str], bands, top: int) -> dict:
    """The polar layout every radar shares: band thresholds as rings, first axis at the top."""
    return {
        "polar": {
            "radialaxis": {"range": [0, top], "tickvals": [0, *band_thresholds(bands), top]},
            "angularaxis": {
                "rotation": 90,
                "direction": "clockwise",
                # Long names on two lines, so the side labels fit beside the chart.
                "tickmode": "array",
                "tickvals": names,
                "ticktext": [_wrapped(name) for name in names],
            },
        },
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.15},
        "margin": {"l": 115, "r": 95, "t": 50, "b": 40},
        "font": FONT,
    }


def _wrapped(label: str, width: int = 18) -> str:
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def history_figures(history, targets: dict[str, int | None] | None = None) -> list[dict]:
    """One line chart per dimension over the submitted quarters, bands shaded behind, and the
    team's target total per dimension code (`targets`) as a dashed line."""
    targets = targets or {}
    submitted = history.submitted
    if not submitted:
        return []
    labels = [s.assessment.period.label for s in submitted]
    figures = []
    for dim in submitted[-1].dimensions:
        values = [
            next((d.total for d in s.dimensions if d.code == dim.code), None) for s in submitted
        ]
        trace = {
            "type": "scatter",
            "x": labels,
            "y": values,
            "mode": "lines+markers",
            "name": dim.name,
            "line": {"color": CURRENT_COLOUR, "width": 2},
            "hovertemplate": "%{x}: %{y} / " + str(dim.max_total) + "<extra></extra>",
        }
        shapes = [
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": band.min_total - 0.5,
                "y1": band.max_total + 0.5,
                "fillcolor": BAND_FILLS.get(band.tone, "rgba(0, 0, 0, 0.05)"),
                "line": {"width": 0},
                "layer": "below",
            }
            for band in history.bands
        ]
        annotations = [
            {
                "xref": "paper",
                "x": 0,
                "xanchor": "left",
                "yref": "y",
                "y": band.max_total + 0.5,
                "yanchor": "top",
                "text": band.label,
                "showarrow": False,
                "font": {"size": 10},
            }
            for band in history.bands
        ]
        if targets.get(dim.code) is not None:
            target_line, target_label = _trend_target(targets[dim.code])
            shapes.append(target_line)
            annotations.append(target_label)
        layout = {
            "title": {"text": dim.name, "font": {"size": 14}},
            "yaxis": {"range": [0, dim.max_total + 0.5], "title": {"text": gettext("Total")}},
            "xaxis": {"type": "category"},
            "shapes": shapes,
            "annotations": annotations,
            "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
            "height": 280,
            "showlegend": False,
            "font": FONT,
        }
        figures.append({"data": [trace], "layout": layout})
    return figures


def _trend_target(target: int) -> tuple[dict, dict]:
    """A dashed line across a trend chart at the target total, labelled at its right end."""
    colour = "#212529"
    line = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": target,
        "y1": target,
        "line": {"color": colour, "dash": "dash", "width": 1.5},
    }
    label = {
        "xref": "paper",
        "x": 1,
        "xanchor": "right",
        "yref": "y",
        "y": target,
        "yanchor": "bottom",
        "text": gettext("Target %(total)s") % {"total": target},
        "showarrow": False,
        "font": {"size": 10, "color": colour},
    }
    return line, label


# Distinct colours and line styles, so overlaid traces differ by more than colour alone.
COMPARE_STYLES = (
    ("#0a4baf", "solid", "circle"),
    ("#a14a00", "dash", "square"),
    ("#1e7b4d", "dot", "diamond"),
    ("#7a4fb0", "dashdot", "triangle-up"),
)


def compare_radar_figure(
    results: list[tuple[str, ScoreResult]], bands: tuple[BandRule, ...]
) -> dict:
    """Two to four results overlaid on one radar: one trace per (label, result), each in its own
    colour, line style and marker; band thresholds drawn as rings. The results should share a
    model version's dimensions (the first one's give the axes)."""
    if not results:
        return {"data": [], "layout": {"font": FONT}}
    first = results[0][1]
    names = [dim.name for dim in first.dimensions]
    top = max(dim.max_total for dim in first.dimensions)
    data = [
        {
            "type": "scatterpolar",
            "r": [threshold] * (len(names) + 1),
            "theta": _closed(names),
            "mode": "lines",
            "line": {"color": "#adb5bd", "dash": "dot", "width": 1},
            "name": gettext("Band threshold %(total)s") % {"total": threshold},
            "hoverinfo": "skip",
            "showlegend": False,
        }
        for threshold in band_thresholds(bands)
    ]
    for index, (label, result) in enumerate(results):
        colour, dash, symbol = COMPARE_STYLES[index % len(COMPARE_STYLES)]
        totals = {dim.code: dim for dim in result.dimensions}
        dims = [totals.get(dim.code) for dim in first.dimensions]
        data.append(
            {
                "type": "scatterpolar",
                "r": _closed([dim.total if dim else None for dim in dims]),
                "theta": _closed(names),
                "customdata": _closed(
                    [[dim.max_total, dim.band.label] if dim else [top, ""] for dim in dims]
                ),
                "name": label,
                "mode": "lines+markers",
                "fill": "none",
                "line": {"color": colour, "width": 2, "dash": dash},
                "marker": {"symbol": symbol, "size": 7},
                "hovertemplate": "%{theta}: %{r} / %{customdata[0]}<br>%{customdata[1]}<extra>"
                + label
                + "</extra>",
            }
        )
    return {"data": data, "layout": _radar_layout(names, bands, top)}
