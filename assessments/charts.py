"""Plotly figures built from scoring results. The page embeds the figure's JSON."""

from __future__ import annotations

import plotly.graph_objects as go

from assessments.scoring import BandRule, ScoreResult

CURRENT_COLOUR = "#0a4baf"
PREVIOUS_COLOUR = "#6c757d"


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
) -> go.Figure:
    """One axis per dimension, 0 to the dimension maximum, band thresholds drawn as rings."""
    names = [dim.name for dim in current.dimensions]
    top = max(dim.max_total for dim in current.dimensions)
    figure = go.Figure()
    for threshold in band_thresholds(bands):
        figure.add_trace(
            go.Scatterpolar(
                r=[threshold] * (len(names) + 1),
                theta=_closed(names),
                mode="lines",
                line={"color": "#adb5bd", "dash": "dot", "width": 1},
                name=f"Band threshold {threshold}",
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if previous is not None:
        figure.add_trace(_scores_trace(previous, previous_label, PREVIOUS_COLOUR, fill=False))
    figure.add_trace(_scores_trace(current, current_label, CURRENT_COLOUR, fill=True))
    figure.update_layout(
        polar={
            "radialaxis": {"range": [0, top], "tickvals": [0, *band_thresholds(bands), top]},
            "angularaxis": {"rotation": 90, "direction": "clockwise"},
        },
        showlegend=True,
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 110, "r": 110, "t": 40, "b": 40},
        font={"family": "DejaVu Sans, Arial, sans-serif"},
    )
    return figure


def _scores_trace(result: ScoreResult, label: str, colour: str, *, fill: bool) -> go.Scatterpolar:
    dims = result.dimensions
    return go.Scatterpolar(
        r=_closed([dim.total for dim in dims]),
        theta=_closed([dim.name for dim in dims]),
        customdata=_closed([[dim.max_total, dim.band.label] for dim in dims]),
        name=label,
        mode="lines+markers",
        fill="toself" if fill else "none",
        line={"color": colour, "width": 2, "dash": "solid" if fill else "dash"},
        hovertemplate="%{theta}: %{r} / %{customdata[0]}<br>%{customdata[1]}<extra>"
        + label
        + "</extra>",
    )


BAND_FILLS = {
    "critical": "rgba(176, 42, 55, 0.10)",
    "caution": "rgba(255, 209, 102, 0.22)",
    "good": "rgba(30, 123, 77, 0.12)",
}


def history_figures(history) -> list[go.Figure]:
    """One line chart per dimension over the submitted quarters, bands shaded behind."""
    submitted = history.submitted
    if not submitted:
        return []
    labels = [s.assessment.period.label for s in submitted]
    figures = []
    for index, dim in enumerate(submitted[-1].dimensions):
        values = [
            next((d.total for d in s.dimensions if d.code == dim.code), None) for s in submitted
        ]
        figure = go.Figure(
            go.Scatter(
                x=labels,
                y=values,
                mode="lines+markers",
                name=dim.name,
                line={"color": CURRENT_COLOUR, "width": 2},
                hovertemplate="%{x}: %{y} / " + str(dim.max_total) + "<extra></extra>",
            )
        )
        for band in history.bands:
            figure.add_hrect(
                y0=band.min_total - 0.5,
                y1=band.max_total + 0.5,
                fillcolor=BAND_FILLS.get(band.tone, "rgba(0,0,0,0.05)"),
                line_width=0,
                layer="below",
                annotation_text=band.label,
                annotation_position="top left",
                annotation_font_size=10,
            )
        figure.update_layout(
            title={"text": dim.name, "font": {"size": 14}},
            yaxis={"range": [0, dim.max_total + 0.5], "title": "Total"},
            xaxis={"type": "category"},
            margin={"l": 50, "r": 20, "t": 40, "b": 40},
            height=280,
            showlegend=False,
            font={"family": "DejaVu Sans, Arial, sans-serif"},
        )
        figure.layout.meta = {"dimension": dim.code, "index": index}
        figures.append(figure)
    return figures
