"""A lead invites two people, each answers in their own browser with the keyboard, the lead
agrees the scores where they disagree and submits; the report and the PDF say who answered."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from assessments.models import Answer, Assessment, Respondent
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_no_axe_violations, with_generous_timeouts

DIMENSIONS = ("VO", "CX", "AO", "MP")
QUESTIONS = tuple(f"{d}-{n}" for d in DIMENSIONS for n in range(1, 6))
NEW_NAME, NEW_EMAIL = "Noor Newcomer", "noor@example.com"
NEW_PASSWORD = "noor-chooses-a-long-password"


def scores(per_dimension: dict[str, int], **overrides: int) -> dict[str, int]:
    """A score per question: one per dimension, with a few questions scored otherwise."""
    every = {code: per_dimension[code.split("-")[0]] for code in QUESTIONS}
    return {**every, **{code.replace("_", "-"): s for code, s in overrides.items()}}


# CX-2 is the disagreement: 2, 3 and 5 (spread 3, median 3). AO-1 and the MP questions differ
# by one point only, which is no reason to discuss.
LEAD = scores({"VO": 4, "CX": 3, "AO": 2, "MP": 3}, CX_2=2)
COLLEAGUE = scores({"VO": 4, "CX": 3, "AO": 2, "MP": 3}, AO_1=3)
NEWCOMER = scores({"VO": 4, "CX": 3, "AO": 2, "MP": 4}, CX_2=5)
AGREED_CX_2, REASON = 4, "Hand-overs improved since the new checklist"


def choose(page: Page, code: str, score: int) -> None:
    """Space selects the first choice, each arrow key the next one: keyboard, no mouse."""
    page.locator(f"input[name='{code}'][value='1']").press("Space")
    for _ in range(score - 1):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"input[name='{code}'][value='{score}']")).to_be_checked()
    expect(page.locator(f"input[name='{code}'][value='{score}']")).to_be_focused()


def answer_dimensions(
    page: Page, answers: dict[str, int], *, axe_on: str = "", respondent: bool = False
) -> None:
    """One dimension a step; Enter on the last choice saves and goes on, to the review. A
    lead's dimension steps are 2 to 5 of 7 (after the context; the outcome figures, skipped
    here, are 6); a respondent's are 1 to 4 of 5."""
    first, last = (1, 5) if respondent else (2, 7)
    for step, dimension in enumerate(DIMENSIONS, start=first):
        expect(page.get_by_text(f"Step {step} of {last}")).to_be_visible()
        if axe_on and step == 2:
            assert_no_axe_violations(page, axe_on)
        for n in range(1, 6):
            choose(page, f"{dimension}-{n}", answers[f"{dimension}-{n}"])
        page.keyboard.press("Enter")
    if not respondent:
        expect(page.get_by_text(f"Step 6 of {last}")).to_be_visible()
        page.get_by_role("button", name="Save and continue").press("Enter")
    expect(page.get_by_text(f"Step {last} of {last}")).to_be_visible()


def sign_in(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").press_sequentially(username)
    page.get_by_label("Password").press_sequentially(password)
    page.get_by_label("Password").press("Enter")


def own_browser(new_context) -> Page:
    """A separate browser context: the respondent's own cookies, session and tabs."""
    context: BrowserContext = with_generous_timeouts(new_context())
    return context.new_page()


def pdf_text(body: bytes) -> str:
    """All pages' text with line wrapping folded, as tests/test_pdf.py reads it."""
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_team_answers_disagrees_and_agrees_one_score(
    live_server, page: Page, new_context, mailoutbox, model_v0, team_a, lead_a, team_b, lead_b
):
    # The lead starts a draft and opens "Who answers".
    sign_in(page, f"{live_server.url}/", "lead_a")
    page.get_by_role("link", name=re.compile(r"^Start an assessment for Enterprise")).press("Enter")
    page.get_by_role("button", name="Start").press("Enter")
    expect(page.get_by_text("Step 1 of 7")).to_be_visible()
    assessment = Assessment.objects.get(team=team_a)
    page.get_by_role("link", name="Who answers").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/respondents/")
    expect(page.get_by_role("heading", name="Who answers")).to_be_visible()

    # One submission invites a colleague of the organization and someone new.
    page.get_by_label("Blair Lead (lead_b@example.com)").press("Space")
    page.get_by_label("Name", exact=True).press_sequentially(NEW_NAME)
    page.get_by_label("E-mail").press_sequentially(NEW_EMAIL)
    page.get_by_label("E-mail").press("Enter")
    expect(
        page.get_by_text("Invited: Blair Lead, Noor Newcomer. Each gets an e-mail.")
    ).to_be_visible()
    expect(page.get_by_text("0 of 2 invited people have submitted their answers.")).to_be_visible()
    people = page.get_by_role("table", name="People invited to answer")
    expect(people.get_by_role("row", name=re.compile("Noor Newcomer"))).to_contain_text(
        "has not signed up yet"
    )
    assert_no_axe_violations(page, "respondents page")

    # The e-mails were sent once the invitations were saved.
    assert sorted(m.to[0] for m in mailoutbox) == ["lead_b@example.com", NEW_EMAIL]
    new_mail = next(m for m in mailoutbox if m.to == [NEW_EMAIL])
    link = re.search(r"https?://\S+/invitations/\S+/", new_mail.body)
    assert link, new_mail.body
    assert link.group(0).startswith(live_server.url)
    colleague_mail = next(m for m in mailoutbox if m.to == ["lead_b@example.com"])
    assert f"{live_server.url}/assessments/{assessment.pk}/step/2/" in colleague_mail.body

    # The lead answers their own view, with the keyboard too.
    page.get_by_role("link", name="Back to the draft").press("Enter")
    expect(page.get_by_text("Step 1 of 7")).to_be_visible()
    page.get_by_role("button", name="Save and continue").press("Enter")
    answer_dimensions(page, LEAD)
    expect(page.get_by_text("Every question is answered")).to_be_visible()

    # The new person signs up from the link in their own browser, and answers.
    newcomer = own_browser(new_context)
    newcomer.goto(link.group(0))
    expect(
        newcomer.get_by_role("heading", name="You are invited to score Enterprise Onboarding")
    ).to_be_visible()
    assert_no_axe_violations(newcomer, "invitation page")
    expect(newcomer.get_by_label("Your name")).to_have_value(NEW_NAME)
    newcomer.get_by_label("Choose a password").press_sequentially(NEW_PASSWORD)
    newcomer.keyboard.press("Tab")
    expect(newcomer.get_by_label("The same password again")).to_be_focused()
    newcomer.keyboard.type(NEW_PASSWORD)
    newcomer.keyboard.press("Enter")
    expect(newcomer).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/step/2/")
    expect(newcomer.get_by_text(f"Your user name is {NEW_EMAIL}")).to_be_visible()
    answer_dimensions(newcomer, NEWCOMER, axe_on="a respondent's first step", respondent=True)
    expect(newcomer.get_by_text("Every question is answered.")).to_be_visible()
    assert_no_axe_violations(newcomer, "a respondent's review step")
    newcomer.get_by_role("button", name="Submit my answers").press("Enter")
    expect(newcomer.get_by_text("Thank you: your answers are in.")).to_be_visible()
    newcomer.goto(link.group(0))  # the link works once
    expect(newcomer.get_by_role("alert")).to_have_text(
        "This invitation link was used already. Sign in with the account it created."
    )
    assert_no_axe_violations(newcomer, "used invitation page")

    # The colleague signs in in their own browser and answers from the dashboard.
    colleague = own_browser(new_context)
    sign_in(colleague, f"{live_server.url}/", "lead_b")
    invited = colleague.get_by_role("region", name="Assessments you are invited to answer")
    expect(invited).to_be_visible()
    assert_no_axe_violations(colleague, "dashboard with an invitation")
    invited.get_by_role("link", name=re.compile(r"^Answer for Enterprise Onboarding")).press(
        "Enter"
    )
    answer_dimensions(colleague, COLLEAGUE, respondent=True)
    colleague.get_by_role("button", name="Submit my answers").press("Enter")
    expect(colleague.get_by_text("Thank you: your answers are in.")).to_be_visible()
    expect(invited).to_contain_text("You submitted your answers")

    # The lead sees the team's scores, the question to discuss, and the workshop.
    page.reload()
    expect(page.get_by_text("2 of 2 invited people have submitted their answers.")).to_be_visible()
    expect(page.get_by_text("3 people have answered.")).to_be_visible()
    expect(page.get_by_text("1 question to discuss.")).to_be_visible()
    flagged = page.locator("#agree-form tr.table-warning")
    expect(flagged).to_have_count(1)
    discuss = page.locator("#agree-row-CX-2")
    expect(discuss.get_by_text("Discuss", exact=True)).to_be_visible()
    cells = discuss.locator("td")
    expect(cells.nth(3)).to_have_text("3")  # the median
    expect(cells.nth(4)).to_have_text("3")  # the spread
    assert sorted(cells.all_inner_texts()[:3]) == ["2", "3", "5"]  # the lead's, each response
    expect(page.locator("#agree-row-AO-1").get_by_text("Discuss", exact=True)).to_have_count(0)
    expect(page.get_by_label("Agreed score for CX-2")).to_have_value("3")
    assert_no_axe_violations(page, "the lead's agree review step")

    page.get_by_role("link", name="Workshop mode").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/workshop/1/")
    assert_no_axe_violations(page, "workshop page")
    page.go_back()
    expect(page.get_by_text("Step 7 of 7")).to_be_visible()

    # The lead agrees another score for CX-2, says why, and submits.
    page.get_by_label("Agreed score for CX-2").select_option(str(AGREED_CX_2))
    page.get_by_label("Reason, if not 3 for CX-2").press_sequentially(REASON)
    page.get_by_role("button", name="Submit the agreed scores").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.get_by_text("Submitted. Here is the team's report.")).to_be_visible()

    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    agreed = dict(
        Answer.objects.filter(assessment=assessment).values_list("question__code", "score")
    )
    medians = {code: sorted(v[code] for v in (LEAD, COLLEAGUE, NEWCOMER))[1] for code in QUESTIONS}
    assert agreed == {**medians, "CX-2": AGREED_CX_2}
    assert Answer.objects.get(assessment=assessment, question__code="CX-2").agreed_reason == REASON
    counted = Respondent.objects.filter(
        assessment=assessment, status=Respondent.Status.SUBMITTED, removed_at__isnull=True
    )
    assert counted.count() == 3

    # The report: how many answered, the spread, the discussed question and why.
    expect(page.get_by_text(re.compile(r"3 people answered"))).to_be_visible()
    for name in ("Alex Lead", "Blair Lead", NEW_NAME):
        expect(page.locator(".respondents")).to_contain_text(name)
    cx_2 = page.get_by_role("row", name=re.compile(r"^CX-2 "))
    expect(cx_2.locator("td.spread")).to_have_text(re.compile(r"^\s*3\s+discuss\s*$"))
    expect(page.get_by_role("row", name=re.compile(r"^AO-1 ")).locator("td.spread")).to_have_text(
        re.compile(r"^\s*1\s*$")
    )
    discussed = page.get_by_role("region", name="Discussed questions")
    expect(discussed).to_contain_text("spread 3")
    expect(discussed).to_contain_text(f"The lead agreed {AGREED_CX_2} rather than 3: {REASON}")
    expect(page.locator("#radar-chart svg.radar-svg")).to_be_visible()  # server-drawn
    assert_no_axe_violations(page, "report page")

    # The PDF says the same.
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF (A4)").click()
    text = pdf_text(Path(pdf_download.value.path()).read_bytes())
    assert "Answered by 3 people" in text
    for name in ("Alex Lead", "Blair Lead", NEW_NAME):
        assert name in text
    assert "spread 3 discuss" in text
    assert f"The lead agreed {AGREED_CX_2} rather than 3: {REASON}" in text
