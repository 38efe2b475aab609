"""Plotly figures of a team's outcome figures: one line chart per metric over the quarters, the
quarters where a theme was chosen marked. Plain figure dicts, as assessments.charts builds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from assessments.charts import CURRENT_COLOUR, FONT
from assessments.periods import Quarter
from assessments.plan_services import METRIC_RULES

THEME_COLOUR = "#7a4fb0"


@dataclass(frozen=True)
class ThemeMark:
    """A quarter whose assessment chose next quarter's theme."""

    quarter: Quarter
    code: str
    name: str


@dataclass(frozen=True)
class MetricChart:
    field: str
    label: str
    figure: dict


def quarter_span(quarters: list[Quarter]) -> list[Quarter]:
    """Every quarter from the earliest to the latest given, none skipped, so the axis keeps
    time's proportions."""
    if not quarters:
        return []
    span, last = [min(quarters)], max(quarters)
    while span[-1] < last:
        span.append(span[-1].next())
    return span


def _number(value) -> float | int | None:
    if value is None:
        return None
    return value if isinstance(value, int) else float(value)  # Decimal: JSON has no decimals


def metric_charts(metrics: dict[Quarter, object], themes: list[ThemeMark]) -> list[MetricChart]:
    """One chart per metric with at least one figure, in METRIC_RULES' order. `metrics` maps a
    quarter to its row (anything with the METRIC_RULES fields as attributes)."""
    recorded = {
        field: {
            q: getattr(row, field) for q, row in metrics.items() if getattr(row, field) is not None
        }
        for field in METRIC_RULES
    }
    charted = [field for field in METRIC_RULES if recorded[field]]
    if not charted:
        return []
    quarters = quarter_span([*metrics, *(mark.quarter for mark in themes)])
    labels = [q.label for q in quarters]
    return [
        MetricChart(
            field, METRIC_RULES[field][0], _figure(field, labels, quarters, recorded, themes)
        )
        for field in charted
    ]


def _figure(field, labels, quarters, recorded, themes: list[ThemeMark]) -> dict:
    label, low, high = METRIC_RULES[field]
    values = recorded[field]
    trace = {
        "type": "scatter",
        "x": labels,
        "y": [_number(values.get(q)) for q in quarters],
        "mode": "lines+markers",
        "connectgaps": True,
        "name": label,
        "line": {"color": CURRENT_COLOUR, "width": 2},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "x0": mark.quarter.label,
            "x1": mark.quarter.label,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": THEME_COLOUR, "dash": "dot", "width": 1.5},
            "layer": "below",
        }
        for mark in themes
    ]
    annotations = [
        {
            "xref": "x",
            "x": mark.quarter.label,
            "yref": "paper",
            "y": 1,
            "yanchor": "bottom",
            "text": gettext("Theme %(code)s") % {"code": mark.code},
            "hovertext": gettext("%(quarter)s: theme for next quarter, %(theme)s")
            % {"quarter": mark.quarter.label, "theme": mark.name},
            "showarrow": False,
            "font": {"size": 10, "color": THEME_COLOUR},
        }
        for mark in themes
    ]
    # Bounded scales (CSAT, NPS, percent) show their whole range; counts and days start at 0.
    yaxis: dict = {}
    if high <= 100:
        pad = (high - low) * 0.05
        yaxis["range"] = [low - pad, high + pad]
    else:
        yaxis["rangemode"] = "tozero"
    layout = {
        "title": {"text": label, "font": {"size": 14}},
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": labels},
        "yaxis": yaxis,
        "shapes": shapes,
        "annotations": annotations,
        "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
        "height": 260,
        "showlegend": False,
        "font": FONT,
    }
    return {"data": [trace], "layout": layout}
