"""A team lead scores a quarter end to end, with the keyboard only, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from assessments.models import Answer, Assessment, OutcomeMetrics
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_no_axe_violations

SCORES = {"VO": 4, "CX": 3, "AO": 2, "MP": 5}
VALUE_LABELS = {2: "2 – Ad hoc", 3: "3 – Defined", 4: "4 – Measured", 5: "5 – Optimized"}


def choose(page: Page, code: str, score: int) -> None:
    """Select a radio with the space bar: keyboard, no mouse."""
    page.locator(f"input[name='{code}'][value='{score}']").press("Space")


def test_team_lead_scores_a_quarter_with_the_keyboard(
    live_server, page: Page, model_v0, team_a, lead_a
):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_no_axe_violations(page, "sign-in page")
    page.get_by_label("Username").press_sequentially("lead_a")
    page.get_by_label("Password").press_sequentially(PASSWORD)
    page.get_by_label("Password").press("Enter")

    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    assert_no_axe_violations(page, "dashboard")
    page.get_by_role("link", name=re.compile(r"^Start an assessment for Enterprise")).press("Enter")

    expect(page.get_by_role("heading", name="Start an assessment")).to_be_visible()
    page.get_by_role("button", name="Start").press("Enter")

    expect(page.get_by_text("Step 1 of 7")).to_be_visible()
    assert_no_axe_violations(page, "wizard step 1")
    page.get_by_label("Company stage").select_option("growth")
    page.get_by_label("High touch").press("Space")
    page.get_by_label("Typical onboarding length (weeks)").press_sequentially("6")
    page.get_by_role("button", name="Save and continue").press("Enter")

    for step, (dimension, score) in enumerate(SCORES.items(), start=2):
        expect(page.get_by_text(f"Step {step} of 7")).to_be_visible()
        assert_no_axe_violations(page, f"wizard step {step}")
        for n in range(1, 6):
            choose(page, f"{dimension}-{n}", score)
        page.get_by_label(f"Note on {dimension}-1 (optional)").press_sequentially(
            f"{dimension} note"
        )
        if dimension == "MP":  # Enter on a choice submits the form forward, as people expect
            page.locator("input[name='MP-5'][value='5']").press("Enter")
        else:
            page.get_by_role("button", name="Save and continue").press("Enter")

    # The outcome figures: optional; this lead knows one of them.
    expect(page.get_by_text("Step 6 of 7")).to_be_visible()
    expect(page.get_by_role("heading", name="Outcome figures")).to_be_visible()
    assert_no_axe_violations(page, "wizard step 6 (outcome figures)")
    # Filled whole and checked: typed key by key, a loaded chromium can drop a character.
    page.get_by_label("Customers onboarded").fill("12")
    expect(page.get_by_label("Customers onboarded")).to_have_value("12")
    page.get_by_role("button", name="Save and continue").press("Enter")

    expect(page.get_by_text("Step 7 of 7")).to_be_visible()
    expect(page.locator("#review-figures-list")).to_have_text("Customers onboarded: 12")
    page.get_by_role("link", name="Back").press("Enter")
    expect(page.get_by_text("Step 6 of 7")).to_be_visible()
    expect(page.get_by_label("Customers onboarded")).to_have_value("12")
    page.get_by_role("button", name="Save and go back").press("Enter")
    expect(page.get_by_text("Step 5 of 7")).to_be_visible()
    for n in range(1, 6):
        expect(page.locator(f"input[name='MP-{n}'][value='5']")).to_be_checked()
    expect(page.get_by_label("Note on MP-1 (optional)")).to_have_value("MP note")
    page.get_by_role("button", name="Save and go back").press("Enter")
    expect(page.get_by_text("Step 4 of 7")).to_be_visible()
    expect(page.locator("input[name='AO-3'][value='2']")).to_be_checked()
    page.get_by_role("link", name="7. Review and submit").press("Enter")

    expect(page.get_by_text("Step 7 of 7")).to_be_visible()
    assert_no_axe_violations(page, "wizard step 7 (review)")
    expect(page.get_by_text("Every question is answered")).to_be_visible()
    page.get_by_role("button", name="Submit assessment").press("Enter")

    assessment = Assessment.objects.get(team=team_a)
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.get_by_text("Submitted. Here is your report.")).to_be_visible()
    assert assessment.status == "submitted"
    assert assessment.touch_model == "high" and assessment.onboarding_weeks == 6
    scores = dict(
        Answer.objects.filter(assessment=assessment).values_list("question__code", "score")
    )
    assert scores == {f"{d}-{n}": s for d, s in SCORES.items() for n in range(1, 6)}
    assert Answer.objects.get(assessment=assessment, question__code="CX-1").note == "CX note"
    figures = OutcomeMetrics.objects.get(
        team=team_a, year=assessment.year, quarter=assessment.quarter
    )
    assert figures.customers_onboarded == 12 and figures.csat is None
