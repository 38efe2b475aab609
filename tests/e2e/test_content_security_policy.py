"""Every page works under the Content-Security-Policy: no inline script, no eval, no CDN."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from tests.conftest import fill
from tests.e2e.conftest import with_generous_timeouts


def test_pages_run_without_a_single_csp_violation(
    live_server, browser: Browser, model_v0, team_a, lead_a, admin_user
):
    previous, _ = assessment_start(team=team_a, period=Quarter(2026, 2), user=lead_a)
    fill(previous, 2)
    assessment_submit(assessment=previous, user=lead_a)
    report, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    fill(report, 4)
    assessment_submit(assessment=report, user=lead_a)
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)

    context = with_generous_timeouts(browser.new_context())  # CSP enforced
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()

    for path in [
        "/",
        f"/assessments/{draft.pk}/step/2/",
        f"/assessments/{report.pk}/",
        f"/teams/{team_a.pk}/",
        "/admin/",
        "/admin/catalogue/maturitymodel/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/assessments/{report.pk}/")
    expect(page.locator("#radar-chart svg.radar-svg")).to_be_visible()  # server-drawn
    page.goto(f"{live_server.url}/teams/{team_a.pk}/")  # the plotly.js bundle, under the CSP
    expect(page.locator("#history-chart-0 svg.main-svg").first).to_be_visible()
    page.goto(f"{live_server.url}/assessments/{draft.pk}/step/2/")
    page.get_by_role("link", name="3. CX & Delivery").click()  # wizard.js saves, then moves on
    expect(page.get_by_text("Step 3 of 7")).to_be_visible()
    context.close()
    assert violations == []
