"""The API's docs page (Swagger UI from our own static files) works under the app's CSP."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import with_generous_timeouts


def test_the_api_docs_render_every_operation_under_the_csp(
    live_server, browser: Browser, model_v0, lead_a
):
    context = with_generous_timeouts(browser.new_context())  # CSP enforced
    page = context.new_page()
    violations: list[str] = []
    outside: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead_a")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()

    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Onboarding maturity API")
    operations = page.locator(".opblock-summary-path")
    expect(operations.filter(has_text="/api/v1/assessments/{id}/submit/")).to_be_visible()
    assert operations.count() >= 20
    # Opening an operation shows its parameters and the bearer scheme is offered.
    operations.filter(has_text="/api/v1/assessments/{id}/submit/").first.click()
    expect(page.get_by_text("Idempotency-Key").first).to_be_visible()
    expect(page.locator(".auth-wrapper .authorize")).to_be_visible()
    context.close()
    assert violations == []
    assert outside == []  # no CDN: every file from the app itself
