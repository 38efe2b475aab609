"""A team lead signs in through the OpenID Connect provider's own page (oidc-provider-mock, run
as its own process) in a real browser, lands on the dashboard, and creates an API token, shown
once. A script then uses the token, as curl would (plain HTTP with a Bearer header), to start,
answer and submit the quarter through the REST API, and the browser's dashboard shows it."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from assessments.periods import Quarter
from tests import oidc_provider as provider_module
from tests.conftest import questions_of
from tests.e2e.conftest import assert_no_axe_violations
from tests.oidc_provider import sso_settings

oidc_provider = provider_module.oidc_provider  # the session's provider, started once


@pytest.fixture
def sso_on(settings, oidc_provider):
    sso_settings(settings, oidc_provider)
    return oidc_provider


def test_a_team_lead_signs_in_by_sso_and_creates_an_api_token(
    live_server, page: Page, sso_on, model_v0, team_a, lead_a
):
    sub = sso_on.user(email="Lead_A@example.com", given_name="Lea")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sso_button = page.get_by_role("link", name="Sign in with single sign-on")
    expect(sso_button).to_be_visible()
    assert_no_axe_violations(page, "sign-in page with single sign-on")
    sso_button.click()

    # The provider's own authorize page, on its own origin.
    expect(page).to_have_url(re.compile(rf"^{re.escape(sso_on.issuer)}/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    expect(page.get_by_text("Enterprise Onboarding").first).to_be_visible()

    page.goto(f"{live_server.url}/accounts/tokens/")
    page.get_by_label("Name").fill("CRM sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()

    token_field = page.locator("#new-token-value")
    expect(token_field).to_be_visible()
    expect(token_field).to_have_value(re.compile(r"^omm_\S{20,}$"))
    token = token_field.input_value()
    expect(page.get_by_role("cell", name="CRM sync", exact=True)).to_be_visible()

    # Shown once: the page again lists the token by name and prefix, never the token itself.
    page.goto(f"{live_server.url}/accounts/tokens/")
    expect(page.get_by_role("cell", name="CRM sync", exact=True)).to_be_visible()
    expect(page.locator("#new-token-value")).to_have_count(0)
    assert token not in page.content()

    # The script: plain HTTP with the token, nothing shared with the browser's session.
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    quarter = Quarter(2026, 3)
    started = api.post(
        f"{live_server.url}/api/v1/assessments/",
        json={"team": team_a.pk, "year": quarter.year, "quarter": quarter.quarter},
        timeout=30,
    )
    assert started.status_code == 201, started.text
    pk = started.json()["id"]
    scores = {q.code: 2 + (i % 4) for i, q in enumerate(questions_of(model_v0))}
    answered = api.patch(
        f"{live_server.url}/api/v1/assessments/{pk}/answers/",
        json={"answers": [{"question": code, "score": s} for code, s in scores.items()]},
        timeout=30,
    )
    assert answered.status_code == 200, answered.text
    submitted = api.post(
        f"{live_server.url}/api/v1/assessments/{pk}/submit/",
        json={},
        headers={"Idempotency-Key": "journey-2026q3"},
        timeout=30,
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["overall_total"] == sum(scores.values())
    assert Assessment.objects.get(pk=pk).status == Assessment.Status.SUBMITTED

    # The browser: the dashboard shows the quarter submitted, linking to its report.
    page.goto(f"{live_server.url}/")
    report_link = page.locator(f"a[href='/assessments/{pk}/']").first
    expect(report_link).to_be_visible()
    report_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(quarter.label)
    expect(page.get_by_text(str(sum(scores.values()))).first).to_be_visible()
