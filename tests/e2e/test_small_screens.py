"""On a phone-sized screen no page scrolls sideways; wide tables scroll inside their own box."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import PASSWORD, submit

PHONE_WIDTH = 375


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    return page


def test_pages_fit_a_phone_screen(live_server, phone: Page, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 2), 2)
    report = submit(team_a, lead_a, Quarter(2026, 3), 4)
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("Username").fill("lead_a")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Your teams")).to_be_visible()

    for url in (
        reverse("assessments:dashboard"),
        reverse("assessments:report", args=[report.pk]),
        reverse("assessments:team", args=[team_a.pk]),
        reverse("assessments:step", args=[draft.pk, 2]),
        reverse("assessments:step", args=[draft.pk, 6]),  # outcome figures
        reverse("assessments:step", args=[draft.pk, 7]),  # review
    ):
        phone.goto(live_server.url + url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{url} is {width}px wide on a {PHONE_WIDTH}px screen"
