"""The plotly.js bundle the team and compare pages load: built from the npm plotly.js package
(scripts/build-plotly.mjs) with only the trace types our figures use, served as a static file.
tests/e2e/test_charts.py draws with it in a browser."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from assessments import charts, metric_charts

BUNDLE = "vendor/plotly/plotly-custom.min.js"
BUILD_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build-plotly.mjs"


def bundle_text() -> str:
    path = finders.find(BUNDLE)
    assert path, f"{BUNDLE} is missing: run `npm ci && npm run build:plotly` (make setup does)"
    return Path(path).read_text(encoding="utf-8")


def test_the_bundle_registers_scatter_and_scatterpolar_only():
    text = bundle_text()
    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))
    assert registered == {"scatter", "scatterpolar"}, registered
    assert len(text.encode()) < 1_500_000  # the full distribution is 4.9 MB


def test_the_build_script_names_every_trace_type_our_figures_use():
    scripted = set(
        re.findall(r'"(\w+)"', re.search(r"TRACES = \[(.*?)\]", BUILD_SCRIPT.read_text()).group(1))
    )
    used = {"scatter"} | {trace["type"] for trace in charts.compare_radar_figure([], ())["data"]}
    for module in (charts, metric_charts):
        used |= set(
            re.findall(r'"type": "(scatter\w*|bar|pie|heatmap)"', Path(module.__file__).read_text())
        )
    assert used - {"scatter"} <= scripted  # scatter comes with plotly.js's core
