"""A consultant reads a client's report, downloads the PDF and the CSV, in a real browser."""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from assessments.periods import Quarter
from tests.conftest import PASSWORD, submit
from tests.e2e.conftest import assert_no_axe_violations


def test_consultant_report_pdf_and_csv(
    live_server, page: Page, model_v0, team_a, lead_a, consultant
):
    submit(team_a, lead_a, Quarter(2026, 2), 2)
    report = submit(team_a, lead_a, Quarter(2026, 3), 4)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("consultant")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Client organizations and teams")).to_be_visible()

    page.get_by_role("link", name="Report for Enterprise Onboarding 2026 Q3").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{report.pk}/")
    expect(page.locator("#radar-chart svg.radar-svg")).to_be_visible()  # server-drawn
    expect(page.get_by_text("Needs immediate attention → Excellent").first).to_be_visible()
    assert_no_axe_violations(page, "report page")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF (A4)").click()
    assert pdf_download.value.suggested_filename == (
        "acme-corp-enterprise-onboarding-2026Q3-onboarding-maturity.pdf"
    )
    first_page = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes())).pages[0]
    cover = first_page.extract_text()
    assert "Acme Corp" in cover and "2026 Q3" in cover and "Casey Consultant" in cover

    page.get_by_role("link", name="Team history").click()
    expect(
        page.get_by_role("heading", name="Enterprise Onboarding: quarter by quarter")
    ).to_be_visible()
    expect(page.locator("#history-chart-0 svg.main-svg").first).to_be_visible()
    assert_no_axe_violations(page, "team history page")

    page.get_by_role("link", name="Dashboard").click()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Export CSV for Acme Corp").click()
    lines = Path(csv_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "organization,team,year,quarter,model_version,question,score,note"
    assert len(lines) == 41
    assert lines[1].startswith("Acme Corp,Enterprise Onboarding,2026,2,v0,VO-1,2,")
