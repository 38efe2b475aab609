"""Nothing a person enters on a wizard step is lost, in a real browser: saved in the background,
a warning before leaving unsaved input, a colleague's change shown instead of overwritten, and
input kept across a sign-out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import PASSWORD

SAVED = re.compile(r"^Saved \d\d:\d\d$")


@pytest.fixture
def draft(model_v0, team_a, lead_a, consultant) -> Assessment:
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


def sign_in(page: Page, base_url: str, username: str, next_path: str = "/") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def wait_until_enhanced(page: Page) -> None:
    """wizard.js has wired the form (background saves, the leave-page warning)."""
    expect(page.locator("#wizard-form[data-enhanced='true']")).to_have_count(1)


def step_path(draft: Assessment, step: int) -> str:
    return f"/assessments/{draft.pk}/step/{step}/"


def saved_score(draft: Assessment, code: str) -> int | None:
    answer = Answer.objects.filter(assessment=draft, question__code=code).first()
    return answer.score if answer else None


def test_a_choice_is_saved_in_the_background_and_announced(live_server, page: Page, draft):
    sign_in(page, live_server.url, "lead_a", step_path(draft, 2))
    wait_until_enhanced(page)
    status = page.locator("#autosave-status")
    expect(status).to_have_attribute("aria-live", "polite")
    page.locator("input[name='VO-1'][value='3']").check()
    expect(status).to_have_text(SAVED)
    assert saved_score(draft, "VO-1") == 3
    page.get_by_label("Note on VO-1 (optional)").fill("typed, never submitted")
    expect(page.locator("input[name='shown-VO-1-note']")).to_have_value("typed, never submitted")
    assert Answer.objects.get(assessment=draft, question__code="VO-1").note == (
        "typed, never submitted"
    )


def test_leaving_with_unsaved_input_asks_first(live_server, page: Page, draft):
    sign_in(page, live_server.url, "lead_a", step_path(draft, 2))
    wait_until_enhanced(page)
    # The network holds every background save, so the input stays unsaved.
    page.route(re.compile(r".*/step/2/$"), lambda route: None)
    page.get_by_label("Note on VO-2 (optional)").fill("not saved yet")
    expect(page.locator("#autosave-status")).to_have_text("Saving…")  # and held there
    page.on("dialog", lambda dialog: dialog.dismiss())  # the person chooses to stay
    with page.expect_event("dialog") as asked:
        page.get_by_role("link", name="Dashboard").click(no_wait_after=True)
    assert asked.value.type == "beforeunload"
    expect(page.get_by_label("Note on VO-2 (optional)")).to_have_value("not saved yet")
    assert page.url.endswith(step_path(draft, 2))


def test_a_colleagues_change_is_shown_with_both_values_not_overwritten(
    live_server, browser: Browser, page: Page, draft
):
    sign_in(page, live_server.url, "lead_a", step_path(draft, 2))
    wait_until_enhanced(page)
    colleague = browser.new_page()
    sign_in(colleague, live_server.url, "consultant", step_path(draft, 2))
    wait_until_enhanced(colleague)
    colleague.locator("input[name='VO-2'][value='2']").check()
    expect(colleague.locator("#autosave-status")).to_have_text(SAVED)
    colleague.close()

    page.locator("input[name='VO-2'][value='4']").check()  # this page still shows VO-2 empty
    expect(page.locator("#autosave-status")).to_contain_text(
        "Not saved: someone else changed VO-2 score (saved meanwhile: 2 – Ad hoc)"
    )
    assert saved_score(draft, "VO-2") == 2
    page.get_by_role("button", name="Save and stay").click()
    conflict = page.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else changed 1 answer while you had this page open")
    expect(conflict).to_contain_text("yours 4 – Measured; saved meanwhile 2 – Ad hoc")
    expect(page.locator("input[name='VO-2'][value='4']")).to_be_checked()
    page.get_by_role("button", name="Save and stay").click()  # keep mine
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert saved_score(draft, "VO-2") == 4


def test_input_from_before_a_sign_out_is_saved_after_signing_in_again(
    live_server, page: Page, draft
):
    sign_in(page, live_server.url, "lead_a", step_path(draft, 3))
    wait_until_enhanced(page)
    page.context.clear_cookies()  # the session ends while the person is typing
    page.locator("input[name='CX-1'][value='5']").check()
    expect(page.locator("#autosave-status")).to_contain_text("You were signed out")
    page.get_by_role("button", name="Save and stay").click()
    expect(page.get_by_text("what you entered is kept and will be saved then")).to_be_visible()
    page.get_by_label("Username").fill("lead_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_text("What you entered before you were signed out is now saved.")
    ).to_be_visible()
    expect(page.locator("input[name='CX-1'][value='5']")).to_be_checked()
    assert saved_score(draft, "CX-1") == 5
