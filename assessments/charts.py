"""Plotly figures built from scoring results, as plain figure dicts that plotly.js draws.

The dicts follow plotly's figure schema (tests validate them with plotly.graph_objects);
building them directly skips graph_objects' per-attribute validation on every request.
"""

from __future__ import annotations

from catalogue.scoring import BandRule, ScoreResult

CURRENT_COLOUR = "#0a4baf"
PREVIOUS_COLOUR = "#6c757d"
RANGE_COLOUR = "#7a4fb0"
RANGE_FILL = "rgba(122, 79, 176, 0.15)"
PEER_COLOUR = "#1e7b4d"
PEER_FILL = "rgba(30, 123, 77, 0.12)"
PEER_LOWER_LABEL = "Peers: lower quartile"
PEER_UPPER_LABEL = "Peers: upper quartile"
TARGET_COLOUR = "#a14a00"
TARGET_LABEL = "Target"
HIGHEST_LABEL = "Highest answer"
LOWEST_LABEL = "Lowest answer"
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


def radar_figure(
    current: ScoreResult,
    bands: tuple[BandRule, ...],
    previous: ScoreResult | None = None,
    current_label: str = "This quarter",
    previous_label: str = "Previous quarter",
    answer_range: dict[str, tuple[int, int]] | None = None,
    targets: dict[str, int] | None = None,
    benchmark: dict[str, tuple] | None = None,
) -> dict:
    """One axis per dimension, 0 to the dimension maximum, band thresholds drawn as rings.

    `answer_range`, per dimension code the lowest and highest total of the people who
    answered, is drawn as a light band behind the agreed line. `targets`, the team's target
    total per dimension code, is drawn as a dashed ring (a gap where a dimension has none).
    `benchmark`, per dimension code the peer cohort's (lower quartile, upper quartile), is
    drawn as a shaded band between the two (a gap where a dimension has none)."""
    names = [dim.name for dim in current.dimensions]
    top = max(dim.max_total for dim in current.dimensions)
    data = [
        {
            "type": "scatterpolar",
            "r": [threshold] * (len(names) + 1),
            "theta": _closed(names),
            "mode": "lines",
            "line": {"color": "#adb5bd", "dash": "dot", "width": 1},
            "name": f"Band threshold {threshold}",
            "hoverinfo": "skip",
            "showlegend": False,
        }
        for threshold in band_thresholds(bands)
    ]
    if benchmark:
        data.extend(_benchmark_traces(current, benchmark))
    if answer_range:
        data.extend(_range_traces(current, answer_range))
    if targets:
        data.append(_target_trace(current, targets))
    if previous is not None:
        data.append(_scores_trace(previous, previous_label, PREVIOUS_COLOUR, fill=False))
    data.append(_scores_trace(current, current_label, CURRENT_COLOUR, fill=True))
    return {"data": data, "layout": _radar_layout(names, bands, top)}


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


def _scores_trace(result: ScoreResult, label: str, colour: str, *, fill: bool) -> dict:
    dims = result.dimensions
    return {
        "type": "scatterpolar",
        "r": _closed([dim.total for dim in dims]),
        "theta": _closed([dim.name for dim in dims]),
        "customdata": _closed([[dim.max_total, dim.band.label] for dim in dims]),
        "name": label,
        "mode": "lines+markers",
        "fill": "toself" if fill else "none",
        "line": {"color": colour, "width": 2, "dash": "solid" if fill else "dash"},
        "hovertemplate": "%{theta}: %{r} / %{customdata[0]}<br>%{customdata[1]}<extra>"
        + label
        + "</extra>",
    }


def _target_trace(current: ScoreResult, targets: dict[str, int]) -> dict:
    return {
        "type": "scatterpolar",
        # None leaves a gap: a dimension without a target has no point on the ring.
        "r": _closed([targets.get(dim.code) for dim in current.dimensions]),
        "theta": _closed([dim.name for dim in current.dimensions]),
        "name": TARGET_LABEL,
        "mode": "lines+markers",
        "fill": "none",
        "line": {"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
        "marker": {"symbol": "diamond", "size": 7},
        "hovertemplate": "%{theta}: target %{r}<extra>" + TARGET_LABEL + "</extra>",
    }


def _range_traces(current: ScoreResult, answer_range: dict[str, tuple[int, int]]) -> list[dict]:
    """The lowest totals' outline, then the highest's, filled down to the lowest ("tonext"
    fills between two closed lines when one encloses the other, as highest does lowest)."""
    names = _closed([dim.name for dim in current.dimensions])
    traces = []
    for label, which, fill in ((LOWEST_LABEL, 0, "none"), (HIGHEST_LABEL, 1, "tonext")):
        traces.append(
            {
                "type": "scatterpolar",
                "r": _closed([answer_range[dim.code][which] for dim in current.dimensions]),
                "theta": names,
                "name": label,
                "mode": "lines",
                "fill": fill,
                "fillcolor": RANGE_FILL,
                "line": {"color": RANGE_COLOUR, "width": 1.5, "dash": "dot"},
                "hovertemplate": "%{theta}: %{r}<extra>" + label + "</extra>",
            }
        )
    return traces


def _benchmark_traces(current: ScoreResult, benchmark: dict[str, tuple]) -> list[dict]:
    """The peers' lower quartiles as a line, then the upper quartiles filled down to it, as
    _range_traces does for the answer range. Decimals become floats: plotly wants numbers."""
    names = _closed([dim.name for dim in current.dimensions])
    traces = []
    for label, which, fill in ((PEER_LOWER_LABEL, 0, "none"), (PEER_UPPER_LABEL, 1, "tonext")):
        values = [
            float(benchmark[dim.code][which]) if dim.code in benchmark else None
            for dim in current.dimensions
        ]
        traces.append(
            {
                "type": "scatterpolar",
                "r": _closed(values),
                "theta": names,
                "name": label,
                "mode": "lines",
                "fill": fill,
                "fillcolor": PEER_FILL,
                "line": {"color": PEER_COLOUR, "width": 1, "dash": "dot"},
                "hovertemplate": "%{theta}: %{r}<extra>" + label + "</extra>",
            }
        )
    return traces


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
            "yaxis": {"range": [0, dim.max_total + 0.5], "title": {"text": "Total"}},
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
        "text": f"Target {target}",
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
            "name": f"Band threshold {threshold}",
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
