"""The report's radar fills its column (420 px or more on a desktop, the screen's width on a
phone) with no two labels overlapping, and no chart moves the page when it draws; the team
page's trend charts draw with the app's plotly.js bundle."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from assessments.periods import Quarter
from assessments.plan_services import TargetInput, targets_save
from tests.conftest import PASSWORD, submit

# Every text box of the radar, as the browser laid it out, and whether any two meet.
OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll("#radar-chart svg.radar-svg text")].map((t) => {
    const r = t.getBoundingClientRect();
    return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
  const meets = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const found = [];
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b) => meets(a, b) && found.push([a.text, b.text])),
  );
  return found;
}"""


def sign_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()


@pytest.fixture
def report(model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 2), 2)
    targets = {"VO": TargetInput(20), "CX": TargetInput(18)}
    targets_save(team=team_a, user=lead_a, targets=targets, codes=["VO", "CX", "AO", "MP"])
    return submit(team_a, lead_a, Quarter(2026, 3), 4)


@pytest.mark.parametrize(("width", "least"), [(1280, 420), (375, 0.9 * 375)])
def test_the_radar_fills_its_column_and_no_labels_overlap(
    live_server, page: Page, report, team_a, width, least
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(f"{live_server.url}/assessments/{report.pk}/")
    radar = page.locator("#radar-chart svg.radar-svg")
    expect(radar).to_be_visible()
    box = radar.bounding_box()
    assert box["width"] >= least, f"the radar is {box['width']}px wide at {width}px"
    _x, _y, units_wide, units_high = map(float, radar.get_attribute("viewBox").split())
    assert abs(box["height"] - box["width"] * units_high / units_wide) < 1  # its own ratio
    assert page.evaluate(OVERLAPS) == []
    assert not [url for url in scripts if "plotly" in url or "report-charts" in url]

    # Then the team page: each trend chart draws, in the box reserved for it.
    page.goto(f"{live_server.url}/teams/{team_a.pk}/")
    chart = page.locator("#history-chart-0")
    reserved = chart.bounding_box()
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    drawn = chart.bounding_box()
    assert abs(drawn["height"] - reserved["height"]) < 1  # no layout shift
    assert drawn["width"] >= least * 0.9 if width < 600 else drawn["width"] >= 420
    # The bundle draws the compare page's trace type too: a polar chart, no console error.
    drawn_polar = page.evaluate("""async () => {
      const div = document.createElement("div");
      document.body.appendChild(div);
      await Plotly.newPlot(div, [{ type: "scatterpolar", r: [1, 2, 3], theta: ["a", "b", "c"] }]);
      return div.querySelectorAll(".polarlayer .trace.scatter").length;
    }""")
    assert drawn_polar == 1
