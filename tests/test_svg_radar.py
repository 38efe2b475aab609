"""The PDF's SVG radar: well-formed XML whose labels are text, whatever the names hold."""

from __future__ import annotations

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
