"""Reading the report's inline SVG radar back into numbers, for the tests: each shape's points
as totals (distance from the centre over the outer ring's radius, times the top total)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"


def pairs(points: str) -> list[tuple[float, float]]:
    return [tuple(map(float, point.split(","))) for point in points.split()]


def text_of(element: ET.Element) -> str:
    """A text element's words, its wrapped lines (tspans) joined by a space."""
    return " ".join(part.strip() for part in element.itertext() if part.strip())


@dataclass
class Radar:
    root: ET.Element

    @classmethod
    def parse(cls, svg: str) -> Radar:
        root = ET.fromstring(svg)  # raises ParseError on unescaped markup or a bare "&"
        assert root.tag == f"{SVG}svg"
        return cls(root)

    @classmethod
    def of_page(cls, html: str) -> Radar:
        match = re.search(r'<svg[^>]*class="radar-svg".*?</svg>', html, re.S)
        assert match, "the page has an inline SVG radar"
        return cls.parse(match.group(0))

    def elements(self, tag: str, **attributes: str) -> list[ET.Element]:
        return [
            e
            for e in self.root.iter(f"{SVG}{tag}")
            if all(e.get(k.replace("_", "-")) == v for k, v in attributes.items())
        ]

    @property
    def rings(self) -> list[int]:
        """The ring labels' totals, innermost first."""
        return [int(text_of(e)) for e in self.elements("text", **{"class": "ring-label"})]

    @property
    def labels(self) -> list[str]:
        return [text_of(e) for e in self.elements("text", **{"class": "axis-label"})]

    @property
    def _outer(self) -> list[tuple[float, float]]:
        outer = [
            p
            for p in self.elements("polygon", stroke="#adb5bd")
            if p.get("stroke-dasharray") == "none"
        ]
        return pairs(outer[0].get("points"))

    @property
    def centre(self) -> tuple[float, float]:
        points = self._outer
        return (
            sum(x for x, _ in points) / len(points),
            sum(y for _, y in points) / len(points),
        )

    def totals(self, points: list[tuple[float, float]], digits: int = 1) -> list[float]:
        cx, cy = self.centre
        radius = math.hypot(self._outer[0][0] - cx, self._outer[0][1] - cy)
        top = max(self.rings)
        return [round(math.hypot(x - cx, y - cy) / radius * top, digits) for x, y in points]

    def polygon_totals(self, **attributes: str) -> list[list[float]]:
        return [self.totals(pairs(p.get("points"))) for p in self.elements("polygon", **attributes)]

    @property
    def current(self) -> list[float]:
        (polygon,) = self.polygon_totals(fill="#0a4baf")
        return polygon

    @property
    def previous(self) -> list[list[float]]:
        return self.polygon_totals(stroke="#6c757d")

    @property
    def target_dots(self) -> list[float]:
        return self.totals(
            [(float(c.get("cx")), float(c.get("cy"))) for c in self.elements("circle")]
        )

    def peer(self, which: str) -> list[list[float]]:
        """Each segment of the peers' lower or upper quartile line: its two ends' totals."""
        segments = self.elements("line", **{"class": f"peer-{which}"})
        ends = [[(float(s.get(f"x{n}")), float(s.get(f"y{n}"))) for n in (1, 2)] for s in segments]
        return [self.totals(pair, digits=2) for pair in ends]

    @property
    def answer_range(self) -> list[list[float]]:
        """The lowest answers' outline, then the highest's (dotted purple)."""
        return self.polygon_totals(stroke="#7a4fb0")

    @property
    def target_ring(self) -> list[list[float]]:
        """Each dashed segment of the target ring: its two ends' totals."""
        segments = self.elements("line", **{"class": "target-ring"})
        ends = [[(float(s.get(f"x{n}")), float(s.get(f"y{n}"))) for n in (1, 2)] for s in segments]
        return [self.totals(pair) for pair in ends]

    def drawn_before(self, first: ET.Element, then: ET.Element) -> bool:
        order = list(self.root)
        return order.index(first) < order.index(then)
