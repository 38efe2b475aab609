"""The PDF's SVG radar: well-formed XML whose labels are text, whatever the names hold."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from assessments.exports.svg_radar import radar_svg
from catalogue.scoring import BandRule, DimensionSpec, ModelSpec, score_assessment

SVG = "{http://www.w3.org/2000/svg}"
BANDS = (
    BandRule(2, 4, "Low", "critical"),
    BandRule(5, 7, "Middle", "caution"),
    BandRule(8, 10, "High", "good"),
)
HOSTILE = [
    "R&D <script>alert(1)</script>",
    "Sales & <b>Marketing</b>",
    "Ops <![CDATA[x]]> & more",
    "Plain",
]


def spec_named(names: list[str]) -> ModelSpec:
    return ModelSpec(
        dimensions=tuple(
            DimensionSpec(code=f"D{i}", name=name, question_codes=(f"D{i}-1", f"D{i}-2"))
            for i, name in enumerate(names)
        ),
        bands=BANDS,
    )


def result_of(spec: ModelSpec, score: int):
    return score_assessment(spec, dict.fromkeys(spec.question_codes, score))


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises ParseError on unescaped markup or a bare "&"
    assert root.tag == f"{SVG}svg"
    return root


def element_tags(root: ET.Element) -> set[str]:
    return {element.tag.removeprefix(SVG) for element in root.iter()}


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_dimension_names_are_escaped_text_not_markup():
    spec = spec_named(HOSTILE)
    svg = radar_svg(result_of(spec, 5), BANDS, previous=result_of(spec, 2))
    root = parsed(svg)
    assert element_tags(root) <= {"svg", "polygon", "text", "line", "rect"}
    labels = texts(root)
    for name, total in zip(HOSTILE, [10] * 4, strict=True):
        assert f"{name} ({total})" in labels
    assert "R&amp;D &lt;script&gt;alert(1)&lt;/script&gt; (10)" in svg
    assert "<script" not in svg and "<b>" not in svg


def test_legend_labels_are_escaped_text_not_markup():
    spec = spec_named(["One", "Two", "Three"])
    current_label = 'R&D <script>alert("now")</script>'
    previous_label = "Q2 <b>before</b> & after"
    svg = radar_svg(
        result_of(spec, 4),
        BANDS,
        previous=result_of(spec, 1),
        current_label=current_label,
        previous_label=previous_label,
    )
    root = parsed(svg)
    assert element_tags(root) <= {"svg", "polygon", "text", "line", "rect"}
    labels = texts(root)
    assert current_label in labels and previous_label in labels
    assert "<script" not in svg and "<b>" not in svg


def test_without_a_previous_quarter_there_is_one_polygon_and_one_legend_entry():
    spec = spec_named(["One & two", "Three", "Four"])
    root = parsed(radar_svg(result_of(spec, 3), BANDS, previous_label="<never shown>"))
    assert "<never shown>" not in texts(root)
    assert "This quarter" in texts(root)
    assert "One & two (6)" in texts(root)


def radii(points: str) -> list[float]:
    """Each point's distance from the chart's centre, in chart units (0 to the top ring)."""
    from assessments.exports.svg_radar import CENTRE_X, CENTRE_Y, RADIUS

    pairs = [tuple(map(float, point.split(","))) for point in points.split()]
    return [round(math.hypot(x - CENTRE_X, y - CENTRE_Y) / RADIUS * 10, 1) for x, y in pairs]


def test_the_answer_range_is_a_band_between_the_lowest_and_highest_totals():
    spec = spec_named(["One", "Two", "Three"])
    ranges = {"D0": (4, 9), "D1": (5, 6), "D2": (2, 10)}
    root = parsed(
        radar_svg(result_of(spec, 3), BANDS, previous=result_of(spec, 2), answer_range=ranges)
    )
    (band,) = root.iter(f"{SVG}path")
    assert band.get("fill-rule") == "evenodd"  # the lowest outline cuts a hole in the highest
    outer, inner = (part.strip(" Z") for part in band.get("d").split("M")[1:])
    assert radii(outer) == [9.0, 6.0, 10.0]
    assert radii(inner) == [4.0, 5.0, 2.0]
    outlines = [p.get("points") for p in root.iter(f"{SVG}polygon") if p.get("stroke-dasharray")]
    assert inner in outlines and outer in outlines  # both drawn as dotted lines too
    # Behind the agreed line: the agreed polygon is the last one drawn.
    elements = list(root)
    agreed = [e for e in elements if e.get("fill") == "#0a4baf" and e.tag == f"{SVG}polygon"]
    assert elements.index(band) < elements.index(agreed[0])
    assert radii(agreed[0].get("points")) == [6.0, 6.0, 6.0]
    assert "Lowest to highest answer" in texts(root)
    assert "Previous quarter" in texts(root)


def test_without_an_answer_range_there_is_no_band():
    spec = spec_named(["One", "Two", "Three"])
    root = parsed(radar_svg(result_of(spec, 3), BANDS))
    assert not list(root.iter(f"{SVG}path"))
    assert "Lowest to highest answer" not in texts(root)


def test_targets_are_a_dashed_ring_with_a_dot_per_target_and_a_gap_where_none_is_set():
    spec = spec_named(["One", "Two", "Three", "Four"])
    root = parsed(radar_svg(result_of(spec, 3), BANDS, targets={"D0": 8, "D1": 9, "D3": 4}))
    dots = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    assert radii(" ".join(f"{x},{y}" for x, y in dots)) == [8.0, 9.0, 4.0]
    segments = [line for line in root.iter(f"{SVG}line") if line.get("class") == "target-ring"]
    ends = [radii(f"{s.get('x1')},{s.get('y1')} {s.get('x2')},{s.get('y2')}") for s in segments]
    # D0-D1 and D3-D0 are joined; D2 has no target, so neither D1-D2 nor D2-D3 is drawn.
    assert ends == [[8.0, 9.0], [4.0, 8.0]]
    assert "Target" in texts(root)


def test_without_targets_there_is_no_ring_and_no_legend_entry():
    spec = spec_named(["One", "Two", "Three"])
    root = parsed(radar_svg(result_of(spec, 3), BANDS))
    assert not list(root.iter(f"{SVG}circle"))
    assert "Target" not in texts(root)
