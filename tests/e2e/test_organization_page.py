"""A consultant reads a client's organization page in a real browser: sorts the heatmap by
keyboard, reads it on a phone, and compares two teams."""

from __future__ import annotations

import os

from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.periods import Quarter
from organizations.models import Team
from tests.conftest import PASSWORD, make_user, submit
from tests.e2e.conftest import assert_no_axe_violations

PHONE_WIDTH = 375
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Client organizations and teams")).to_be_visible()


def row_names(page: Page) -> list[str]:
    return page.locator("#heatmap-table tbody th a").all_inner_texts()


def test_sorting_the_heatmap_by_keyboard_and_comparing_two_teams(
    live_server, page: Page, model_v0, acme, team_a, team_b, lead_a, lead_b, consultant
):
    submit(team_a, lead_a, Q2, 2)
    submit(team_a, lead_a, Q3, 4)
    submit(team_b, lead_b, Q3, 3)
    Team.objects.create(organization=acme, name="Channel Onboarding", slug="channel")

    sign_in(page, live_server, "consultant")
    page.goto(live_server.url + reverse("assessments:organization", args=["acme"]))
    expect(page.get_by_role("heading", name="Acme Corp: 2026 Q3")).to_be_visible()
    assert row_names(page) == ["Channel Onboarding", "Enterprise Onboarding", "SMB Onboarding"]

    overall = page.locator('#heatmap-table th[data-sort-key="overall"]')
    button = overall.get_by_role("button", name="Overall")
    button.focus()
    page.keyboard.press("Enter")
    expect(overall).to_have_attribute("aria-sort", "descending")
    assert row_names(page) == ["Enterprise Onboarding", "SMB Onboarding", "Channel Onboarding"]
    page.keyboard.press("Space")
    expect(overall).to_have_attribute("aria-sort", "ascending")
    assert row_names(page) == ["SMB Onboarding", "Enterprise Onboarding", "Channel Onboarding"]
    expect(page.locator("#heatmap-status")).to_have_text("Sorted by Overall, lowest first.")
    expect(page.locator('#heatmap-table th[data-sort-key="team"]')).to_have_attribute(
        "aria-sort", "none"
    )
    expect(page.locator("svg.sparkline")).to_have_count(12)
    assert_no_axe_violations(page, "organization page")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path="/tmp/organization.png", full_page=True)

    page.get_by_role("link", name="Compare teams or quarters").click()
    page.get_by_label("Enterprise Onboarding").check()
    page.get_by_label("SMB Onboarding").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Teams compared, 2026 Q3")).to_be_visible()
    expect(page.locator("#radar-chart svg.main-svg").first).to_be_visible()
    assert_no_axe_violations(page, "compare page")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path="/tmp/compare.png", full_page=True)


def test_the_organization_page_fits_a_phone_screen(
    live_server, page: Page, model_v0, acme, team_a, lead_a, consultant
):
    long_named = Team.objects.create(
        organization=acme, name="Strategic Enterprise Accounts Onboarding", slug="strategic"
    )
    lead = make_user("lead_s")
    long_named.leads.add(lead)
    submit(team_a, lead_a, Q2, 2)
    submit(team_a, lead_a, Q3, 4)
    submit(long_named, lead, Q3, 3)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    sign_in(page, live_server, "consultant")
    for url in (
        reverse("assessments:organization", args=["acme"]),
        reverse("assessments:compare", args=["acme"])
        + f"?team={team_a.pk}&team={long_named.pk}&quarter=2026Q3",
    ):
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{url} is {width}px wide on a {PHONE_WIDTH}px screen"
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=f"/tmp/phone-{url.split('/')[3] or 'org'}.png", full_page=True)
    # The heatmap scrolls inside its own box instead.
    page.goto(live_server.url + reverse("assessments:organization", args=["acme"]))
    box = page.locator("#heatmap .table-responsive")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
