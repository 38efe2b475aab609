"""Sparklines on the organization page: well-formed SVG, escaped text, gaps for missing
quarters, and every value in the text alternative. Pure: no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from assessments.sparklines import HEIGHT, PAD, WIDTH, describe, sparkline_svg

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_description_names_every_quarter_total_in_order():
    text = describe("Value Orientation for SMB", LABELS, [12, 14, None, 18])
    assert text == "Value Orientation for SMB, 2026 Q1 to 2026 Q4: 12, 14, no submission, 18."


def test_the_description_of_one_quarter_names_it_alone():
    assert describe("CX", ["2026 Q3"], [9]) == "CX, 2026 Q3: 9."


def test_the_description_needs_a_label_per_value():
    with pytest.raises(ValueError):
        describe("CX", ["2026 Q3"], [9, 10])


def test_the_svg_is_an_image_with_its_text_alternative():
    label = describe("CX", LABELS, [5, 10, 15, 20])
    root = parsed(sparkline_svg([5, 10, 15, 20], low=0, high=25, label=label))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == label
    assert root.find(f"{SVG}title").text == label


def test_hostile_text_is_escaped_and_stays_text():
    label = 'R&D <script>alert("x")</script>'
    svg = sparkline_svg([1, 2], low=0, high=5, label=label)
    assert "<script>" not in svg
    root = parsed(svg)  # well-formed despite the label
    assert root.get("aria-label") == label
    assert root.find(f"{SVG}title").text == label


def test_a_full_run_is_one_line_rising_left_to_right():
    root = parsed(sparkline_svg([5, 10, 15, 20], low=0, high=25, label="x"))
    (line,) = root.findall(f"{SVG}polyline")
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    assert xs == sorted(xs) and xs[0] == PAD and xs[-1] == WIDTH - PAD
    assert ys == sorted(ys, reverse=True)  # higher totals are drawn higher (smaller y)
    assert ys[0] == pytest.approx(PAD + 20 / 25 * (HEIGHT - 2 * PAD))


def test_a_missing_quarter_breaks_the_line_instead_of_bridging_it():
    root = parsed(sparkline_svg([5, 10, None, 20, 22], low=0, high=25, label="x"))
    lines = root.findall(f"{SVG}polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 2]


def test_a_lone_total_between_gaps_is_a_dot_and_the_latest_is_marked():
    root = parsed(sparkline_svg([None, 10, None, None], low=0, high=25, label="x"))
    assert root.findall(f"{SVG}polyline") == []
    dots = root.findall(f"{SVG}circle")
    assert len(dots) == 2  # the lone point, and the latest-total marker on it
    assert {d.get("cx") for d in dots} == {dots[0].get("cx")}


def test_no_totals_at_all_draws_an_empty_labelled_box():
    root = parsed(sparkline_svg([None] * 8, low=0, high=25, label="nothing yet"))
    assert root.findall(f"{SVG}polyline") == [] and root.findall(f"{SVG}circle") == []
    assert root.get("aria-label") == "nothing yet"


def test_band_thresholds_are_faint_lines_inside_the_scale():
    root = parsed(sparkline_svg([5], low=0, high=25, label="x", thresholds=(10, 18, 30)))
    assert len(root.findall(f"{SVG}line")) == 2


def test_totals_outside_the_scale_are_clamped_into_the_box():
    root = parsed(sparkline_svg([-3, 99], low=0, high=25, label="x"))
    (line,) = root.findall(f"{SVG}polyline")
    ys = [float(p.split(",")[1]) for p in line.get("points").split()]
    assert all(PAD <= y <= HEIGHT - PAD for y in ys)


def test_an_empty_scale_is_refused():
    with pytest.raises(ValueError):
        sparkline_svg([1], low=5, high=5, label="x")
