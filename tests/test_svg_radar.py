"""The SVG radar (the PDF's and the report page's): well-formed XML whose labels are text,
whatever the names hold, and whose labels never overlap."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from assessments.exports.svg_radar import PAGE, PDF, label_boxes, page_radar, radar_svg
from catalogue.scoring import BandRule, DimensionSpec, ModelSpec, score_assessment
from tests.svg_chart import Radar, pairs, text_of

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
    """Each text element's words (a wrapped label's lines joined by a space)."""
    return [text_of(element) for element in root.iter(f"{SVG}text")]


def test_dimension_names_are_escaped_text_not_markup():
    spec = spec_named(HOSTILE)
    svg = radar_svg(result_of(spec, 5), BANDS, previous=result_of(spec, 2))
    root = parsed(svg)
    assert element_tags(root) <= {"svg", "polygon", "text", "tspan", "line", "rect"}
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
    assert element_tags(root) <= {"svg", "polygon", "text", "tspan", "line", "rect"}
    labels = texts(root)
    assert current_label in labels and previous_label in labels
    assert "<script" not in svg and "<b>" not in svg


def test_without_a_previous_quarter_there_is_one_polygon_and_one_legend_entry():
    spec = spec_named(["One & two", "Three", "Four"])
    root = parsed(radar_svg(result_of(spec, 3), BANDS, previous_label="<never shown>"))
    assert "<never shown>" not in texts(root)
    assert "This quarter" in texts(root)
    assert "One & two (6)" in texts(root)


def radii(points: str, root: ET.Element) -> list[float]:
    """Each point's distance from the chart's centre, in chart units (0 to the top ring, 10)."""
    return Radar(root).totals(pairs(points))


def test_the_answer_range_is_a_band_between_the_lowest_and_highest_totals():
    spec = spec_named(["One", "Two", "Three"])
    ranges = {"D0": (4, 9), "D1": (5, 6), "D2": (2, 10)}
    root = parsed(
        radar_svg(result_of(spec, 3), BANDS, previous=result_of(spec, 2), answer_range=ranges)
    )
    (band,) = root.iter(f"{SVG}path")
    assert band.get("fill-rule") == "evenodd"  # the lowest outline cuts a hole in the highest
    outer, inner = (part.strip(" Z") for part in band.get("d").split("M")[1:])
    assert radii(outer, root) == [9.0, 6.0, 10.0]
    assert radii(inner, root) == [4.0, 5.0, 2.0]
    outlines = [p.get("points") for p in root.iter(f"{SVG}polygon") if p.get("stroke-dasharray")]
    assert inner in outlines and outer in outlines  # both drawn as dotted lines too
    # Behind the agreed line: the agreed polygon is the last one drawn.
    elements = list(root)
    agreed = [e for e in elements if e.get("fill") == "#0a4baf" and e.tag == f"{SVG}polygon"]
    assert elements.index(band) < elements.index(agreed[0])
    assert radii(agreed[0].get("points"), root) == [6.0, 6.0, 6.0]
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
    assert radii(" ".join(f"{x},{y}" for x, y in dots), root) == [8.0, 9.0, 4.0]
    segments = [line for line in root.iter(f"{SVG}line") if line.get("class") == "target-ring"]
    ends = [
        radii(f"{s.get('x1')},{s.get('y1')} {s.get('x2')},{s.get('y2')}", root) for s in segments
    ]
    # D0-D1 and D3-D0 are joined; D2 has no target, so neither D1-D2 nor D2-D3 is drawn.
    assert ends == [[8.0, 9.0], [4.0, 8.0]]
    assert "Target" in texts(root)


def test_without_targets_there_is_no_ring_and_no_legend_entry():
    spec = spec_named(["One", "Two", "Three"])
    root = parsed(radar_svg(result_of(spec, 3), BANDS))
    assert not list(root.iter(f"{SVG}circle"))
    assert "Target" not in texts(root)


def test_the_band_rings_are_labelled_with_their_totals():
    spec = spec_named(["One", "Two", "Three", "Four"])
    for style in (PDF, PAGE):
        root = parsed(radar_svg(result_of(spec, 3), BANDS, style=style))
        assert Radar(root).rings == [4, 7, 10]  # where Low and Middle end, and the top
    rings = page_radar(result_of(spec, 3), BANDS).rings
    assert rings == ((4, "Low"), (7, "Middle"), (10, "High"))


def test_the_peer_band_runs_between_the_quartiles_with_a_gap_where_peers_are_missing():
    spec = spec_named(["One", "Two", "Three", "Four"])
    benchmark = {"D0": (3, 8), "D1": (4.5, 9), "D2": (2, 6.25)}
    radar = page_radar(result_of(spec, 3), BANDS, benchmark=benchmark)
    figure = Radar.parse(radar.svg)
    # D0-D1 and D1-D2 have peers at both ends; D3 has none, so D2-D3 and D3-D0 are gaps.
    assert figure.peer("lower") == [[3, 4.5], [4.5, 2]]
    assert figure.peer("upper") == [[8, 9], [9, 6.25]]
    assert len(figure.elements("polygon", **{"class": "peer-band"})) == 2
    assert [entry.label for entry in radar.legend][-1] == "Peers: lower to upper quartile"


def test_the_page_radar_scales_to_its_column_and_describes_itself():
    spec = spec_named(["R&D <script>", "Two", "Three"])
    radar = page_radar(result_of(spec, 3), BANDS, targets={"D0": 8})
    root = parsed(radar.svg)
    assert root.get("width") == "100%" and root.get("height") is None  # height from viewBox
    assert root.get("viewBox").startswith("0 0 460 ") and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Radar chart of the dimension totals"
    description = root.find(f"{SVG}desc").text
    assert "This quarter: R&D <script> 6 of 10; Two 6 of 10; Three 6 of 10." in description
    assert "Target: R&D <script> 8." in description
    assert "<script>" not in radar.svg
    for entry in radar.legend:
        ET.fromstring(entry.swatch)  # each legend swatch is a small well-formed SVG


LONG = [
    "Manageability & Productivity of the whole onboarding organization",
    "CX",
    "Supercalifragilisticexpialidociouslylongword",
    "Adaptability & Organization",
    "Value Orientation and customer outcomes measured",
    "R&D <script>alert(1)</script> & more",
    "Sales, Marketing and Partner Enablement",
    "Ops",
    "Customer Success Management Across Regions",
    "A",
    "Implementation methodology and governance model",
    "Data migration",
]


@pytest.mark.parametrize("count", [3, 4, 5, 6, 7, 8, 10, 12])
@pytest.mark.parametrize("style", [PDF, PAGE], ids=["pdf", "page"])
def test_axis_labels_never_overlap_each_other_the_ring_or_the_edges(count, style):
    names = [f"{name} (25)" for name in LONG[:count]]
    radius, labels = label_boxes(names, style)
    assert radius >= 0.45 * style.max_radius  # the chart keeps a readable size
    for first, second in itertools.combinations(labels, 2):
        assert not first.box.meets(second.box), (first, second)
    for label in labels:
        box = label.box
        # Outside the outer ring: the box's nearest point to the centre lies beyond the radius.
        nearest_x = min(max(0, box.left), box.right)
        nearest_y = min(max(0, box.top), box.bottom)
        assert (nearest_x**2 + nearest_y**2) ** 0.5 >= radius, label
        assert -style.width / 2 <= box.left and box.right <= style.width / 2, label
        assert " ".join(label.lines).replace(" ", "") == names[labels.index(label)].replace(" ", "")


def test_long_names_wrap_onto_lines_within_the_side_width():
    names = ["Top", "Manageability & Productivity (12)", "Bottom", "Left"]
    _radius, labels = label_boxes(names, PAGE)
    side = labels[1]  # beside the chart, on the right
    assert side.lines == ("Manageability", "& Productivity", "(12)")
    assert side.box.width <= PAGE.side_wrap
