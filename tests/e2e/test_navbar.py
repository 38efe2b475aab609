"""On a phone the menu button opens and closes the navbar, with our own small script: no page
loads Bootstrap's JavaScript bundle, since no page has a component that needs it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.periods import Quarter
from tests.conftest import PASSWORD, submit

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def signed_in(page: Page, live_server, model_v0, team_a, lead_a) -> Page:
    submit(team_a, lead_a, Quarter(2026, 2), 3)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    return page


def test_the_menu_button_opens_and_closes_the_navbar_on_a_phone(signed_in: Page):
    page = signed_in
    page.set_viewport_size(PHONE)
    page.reload()
    button = page.get_by_role("button", name="Toggle navigation")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(sign_out).to_be_hidden()

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(sign_out).to_be_visible()
    expect(page.get_by_role("link", name="Start an assessment").first).to_be_visible()

    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(sign_out).to_be_hidden()


def test_on_a_wide_screen_the_navbar_shows_without_the_button(signed_in: Page):
    page = signed_in
    page.set_viewport_size(DESKTOP)
    expect(page.get_by_role("button", name="Toggle navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_no_page_loads_the_bootstrap_bundle(signed_in: Page, live_server, team_a):
    page = signed_in
    for url in (
        reverse("assessments:dashboard"),
        reverse("assessments:team", args=[team_a.pk]),
        reverse("assessments:new"),
    ):
        page.goto(live_server.url + url)
        scripts = page.eval_on_selector_all("script[src]", "tags => tags.map(t => t.src)")
        assert not [src for src in scripts if "bootstrap" in src], url
        assert any(src.endswith("js/navbar.js") for src in scripts), url
