"""The improvement loop over two quarters, in a real browser: a team lead submits last quarter,
sets targets, takes the suggested theme, adopts and edits recommended actions and records the
quarter's outcome figures; then starts this quarter from last quarter's answers, checks and
changes them, marks an action done and submits. This quarter's report and its PDF give the
verdict on last quarter's theme, and the team page charts both quarters' figures."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from assessments.models import Action, Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import PASSWORD, fill
from tests.e2e.conftest import assert_no_axe_violations

DIMENSIONS = {
    "VO": "Value Orientation",
    "CX": "CX & Delivery",
    "AO": "Adaptability & Organization",
    "MP": "Manageability & Productivity",
}
BANDS = ((5, 10, "Needs immediate attention"), (11, 18, "Room for improvement"))

THIS_QUARTER = Quarter.containing(timezone.localdate())
LAST_QUARTER = THIS_QUARTER.previous()

# MP has the lowest total, but AO is furthest below its target: the targets pick the theme.
LAST_SCORES = {
    **{f"VO-{n}": 3 for n in range(1, 6)},
    **{f"CX-{n}": s for n, s in enumerate((3, 3, 3, 3, 2), start=1)},
    **{f"AO-{n}": 2 for n in range(1, 6)},
    **{f"MP-{n}": s for n, s in enumerate((2, 2, 2, 1, 1), start=1)},
}
TARGETS = {"VO": 18, "CX": 16, "AO": 20, "MP": 12}
THEME = "AO"
# Four carried answers change; AO-2 moves by 2, so its step asks "what changed?" once.
CHANGES = {"AO-2": 4, "AO-3": 3, "AO-4": 3, "MP-4": 2}
THIS_SCORES = {**LAST_SCORES, **CHANGES}
WHAT_CHANGED = "Every project now starts from the Northwind plan template"

ADOPTED = (
    "Turn your smoothest recent project into the standard plan template",
    "Make one named person accountable for each onboarding",
)
EDITED_TITLE = "Turn the Northwind project into the standard plan template"
DUE = THIS_QUARTER.next().first_day - datetime.timedelta(days=1)

FIGURE_LABELS = ("Time to value (days)", "Onboarding CSAT (1-5)", "Customers onboarded")
LAST_FIGURES = dict(zip(FIGURE_LABELS, ("60", "3.8", "12"), strict=True))
THIS_FIGURES = dict(zip(FIGURE_LABELS, ("45", "4.25", "15"), strict=True))


def total(scores: dict[str, int], code: str) -> int:
    return sum(score for question, score in scores.items() if question.startswith(f"{code}-"))


def band(dimension_total: int) -> str:
    return next(label for low, high, label in BANDS if low <= dimension_total <= high)


def signed(change: Decimal) -> str:
    return f"+{change}" if change > 0 else str(change)


def metrics_row(figures: dict[str, str]) -> list[str]:
    """The team page's figures table row: every metric's column, "—" where none was recorded,
    each figure as entered (CSAT 3.8, not 3.80)."""
    shown = {
        "Time to value (days)": figures["Time to value (days)"],
        "Onboarding CSAT (1-5)": figures["Onboarding CSAT (1-5)"],
        "Customers onboarded": figures["Customers onboarded"],
    }
    columns = (
        "Time to first value (days)",
        "Time to value (days)",
        "Onboarding duration (days)",
        "Onboarding CSAT (1-5)",
        "Post-onboarding NPS (-100 to 100)",
        "Milestones on time (%)",
        "Customers onboarded",
    )
    return [shown.get(column, "—") for column in columns]


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").press_sequentially(username)
    page.get_by_label("Password").press_sequentially(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()


def go_to_dashboard(page: Page) -> None:
    page.get_by_role("link", name="Dashboard", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()


def choose(page: Page, code: str, score: int) -> None:
    """Select a radio with the space bar: keyboard, no mouse."""
    choice = page.locator(f"input[name='{code}'][value='{score}']")
    choice.press("Space")
    expect(choice).to_be_checked()


def expect_step(page: Page, step: int) -> None:
    expect(page.get_by_text(f"Step {step} of 7")).to_be_visible()


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").press("Enter")


def fill_number(field: Locator, value: str) -> None:
    """Filled whole, then checked: typed key by key, chromium now and then drops a character
    of a number field on a loaded machine ("3.8" became "3", "18" became "1")."""
    field.fill(value)
    expect(field).to_have_value(value)


def enter_figures(page: Page, figures: dict[str, str]) -> None:
    for label, value in figures.items():
        fill_number(page.get_by_label(label, exact=True), value)


def edit_action(page: Page, title: str) -> Locator:
    """Open an action's "Edit" disclosure on the report's plan; its form."""
    page.get_by_text(f"Edit “{title}”").press("Enter")
    form = page.locator("tr.plan-action-edit form").filter(
        has=page.get_by_role("button", name=f"Save “{title}”")
    )
    expect(form).to_be_visible()
    return form


def action_row(page: Page, title: str) -> Locator:
    return page.locator("table.plan-actions tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(f"^{re.escape(title)}"))
    )


def pdf_text(body: bytes) -> str:
    """All pages' text with line wrapping folded, as tests/test_pdf.py reads it."""
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def submit_last_quarter(page: Page, live_server, team) -> Assessment:
    """Last quarter's draft holds every answer already; the lead checks it and submits."""
    page.get_by_role("link", name=f"Continue draft for {team.name} {LAST_QUARTER.label}").press(
        "Enter"
    )
    expect_step(page, 7)
    expect(page.get_by_text("Every question is answered")).to_be_visible()
    for code, name in DIMENSIONS.items():
        # exact: each section also holds its answers' scrolling region, "Answers for <name>"
        expect(page.get_by_role("region", name=name, exact=True)).to_contain_text(
            f"Total {total(LAST_SCORES, code)} / 25"
        )
    page.get_by_role("button", name="Submit assessment").press("Enter")
    assessment = Assessment.objects.get(
        team=team, year=LAST_QUARTER.year, quarter=LAST_QUARTER.quarter
    )
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.get_by_text("Submitted. Here is your report.")).to_be_visible()
    return assessment


def set_targets(page: Page) -> None:
    expect(page.get_by_text("This team has no targets yet")).to_be_visible()
    page.get_by_role("link", name="Set targets").press("Enter")
    expect(page.get_by_role("heading", name="Targets")).to_be_visible()
    for code, target in TARGETS.items():
        fill_number(page.get_by_label(f"{DIMENSIONS[code]}: target total"), str(target))
    page.get_by_role("button", name="Save targets").press("Enter")
    expect(page.get_by_text(f"Targets saved: {len(TARGETS)} dimension(s) changed.")).to_be_visible()
    for code, target in TARGETS.items():
        expect(page.get_by_label(f"{DIMENSIONS[code]}: target total")).to_have_value(str(target))


def record_last_quarter_figures(page: Page) -> None:
    """On the team page: pick last quarter, then enter its figures."""
    page.locator("#metrics-quarter-form").get_by_label("Quarter").select_option(LAST_QUARTER.key)
    page.get_by_role("button", name="Show its figures").press("Enter")
    expect(page.get_by_role("heading", name=f"Figures for {LAST_QUARTER.label}")).to_be_visible()
    enter_figures(page, LAST_FIGURES)
    page.get_by_role("button", name=f"Save figures for {LAST_QUARTER.label}").press("Enter")
    expect(page.get_by_text(f"Figures for {LAST_QUARTER.label} saved.")).to_be_visible()
    row = page.locator("table.metrics-table tbody tr").filter(has_text=LAST_QUARTER.label)
    expect(row.locator("td")).to_have_text([*metrics_row(LAST_FIGURES), re.compile("^Edit")])


def choose_the_suggested_theme(page: Page) -> None:
    for code, target in TARGETS.items():
        last = total(LAST_SCORES, code)
        expect(page.locator(f"#goal-{code} td")).to_have_text(
            [f"{last} / 25", band(last), str(target), f"{target - last} below target"]
        )
    suggested = page.get_by_role(
        "radio", name=re.compile(rf"^{re.escape(DIMENSIONS[THEME])} \({total(LAST_SCORES, THEME)}")
    )
    expect(suggested).to_be_checked()
    expect(page.locator("#theme-form .theme-suggested")).to_have_count(1)
    expect(page.locator("#theme-form .form-check").filter(has=suggested)).to_contain_text(
        "suggested: largest gap below target"
    )
    page.get_by_role("button", name="Choose this theme").press("Enter")
    expect(page.get_by_text(f"Next quarter's theme: {DIMENSIONS[THEME]}.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Theme: {DIMENSIONS[THEME]}")).to_be_visible()


def adopt_and_edit_actions(page: Page) -> None:
    heading = f"Recommended starting actions for {DIMENSIONS[THEME]} in its band"
    offers = page.get_by_role("list", name=heading)
    expect(offers.get_by_role("listitem")).to_have_count(3)
    for title in ADOPTED:
        offers.get_by_role("button", name=f"Adopt “{title}”").press("Enter")
        expect(page.get_by_text(f"Adopted: {title}.")).to_be_visible()
        expect(offers.get_by_role("listitem").filter(has_text=title)).to_contain_text("Adopted")
    for title in ADOPTED:
        expect(action_row(page, title).locator("td")).to_have_text(["–", "–", "Planned"])

    form = edit_action(page, ADOPTED[0])
    form.get_by_label("Title").fill(EDITED_TITLE)
    form.get_by_label("Owner", exact=True).select_option(label="Alex Lead")
    form.get_by_label("Due date").fill(DUE.isoformat())
    form.get_by_label("Status").select_option(label="Doing")
    form.get_by_role("button", name=re.compile("^Save")).press("Enter")
    expect(page.get_by_text(f"Action saved: {EDITED_TITLE}.")).to_be_visible()
    expect(action_row(page, EDITED_TITLE).locator("td")).to_have_text(
        ["Alex Lead", f"{DUE.day} {DUE:%b %Y}", "Doing"]
    )
    expect(action_row(page, EDITED_TITLE)).to_contain_text("(recommended)")


def mark_done(page: Page, title: str) -> None:
    form = edit_action(page, title)
    form.get_by_label("Status").select_option(label="Done")
    form.get_by_role("button", name=re.compile("^Save")).press("Enter")
    expect(page.get_by_text(f"Action saved: {title}.")).to_be_visible()
    expect(action_row(page, title).locator("td").last).to_have_text("Done")


def start_this_quarter_from_last(page: Page, team) -> None:
    page.get_by_role("link", name=f"Start an assessment for {team.name}").press("Enter")
    expect(page.get_by_role("heading", name="Start an assessment")).to_be_visible()
    expect(page.get_by_label("Quarter")).to_have_value(THIS_QUARTER.key)
    carry = page.get_by_label(f"Start from {team.name}'s {LAST_QUARTER.label} answers")
    expect(carry).to_be_checked()
    page.get_by_role("button", name="Start").press("Enter")
    expect(
        page.get_by_text(
            f"{len(LAST_SCORES)} answers carried from {LAST_QUARTER.label}: check them on each "
            "step and confirm."
        )
    ).to_be_visible()
    expect_step(page, 1)
    save_and_continue(page)


def check_carried_step(page: Page, step: int, code: str, *, axe: bool = False) -> None:
    """A dimension step of carried answers: each shown and marked; any changes made; then the
    step's confirmation."""
    expect_step(page, step)
    questions = [f"{code}-{n}" for n in range(1, 6)]
    for question in questions:
        expect(
            page.locator(f"input[name='{question}'][value='{LAST_SCORES[question]}']")
        ).to_be_checked()
        expect(page.locator(f"#carried-{question}")).to_have_text(f"from {LAST_QUARTER.label}")
    if axe:
        assert_no_axe_violations(page, "a wizard step of carried answers")
        save_and_continue(page)  # not confirmed yet: refused, nothing saved
        unchecked = ", ".join(questions)
        expect(page.locator("#step-status")).to_have_text(f"Step {step} of 7")
        expect(page.locator(".messages .alert-danger")).to_have_text(
            f"Tick “I have checked these answers” to confirm the answers carried from "
            f"{LAST_QUARTER.label} ({unchecked}), or change them. Nothing on this step was saved."
        )
    for question, score in CHANGES.items():
        if question.startswith(f"{code}-"):
            choose(page, question, score)
    page.get_by_label("I have checked these answers").press("Space")
    expect(page.get_by_label("I have checked these answers")).to_be_checked()
    save_and_continue(page)


def explain_the_moved_answer(page: Page) -> None:
    """The step comes back once: the answer moved by 2 or more asks what changed."""
    expect_step(page, 4)
    expect(
        page.get_by_text("Some answers moved by 2 or more since they were carried")
    ).to_be_visible()
    last, now = LAST_SCORES["AO-2"], CHANGES["AO-2"]
    expect(page.locator("#moved-AO-2")).to_contain_text(
        f"You changed this by 2 or more since {LAST_QUARTER.label} ({last} → {now}): what changed?"
    )
    expect(page.locator(".moved-prompt")).to_have_count(1)
    expect(page.locator(".carried-badge")).to_have_count(0)
    expect(page.get_by_label("I have checked these answers")).to_have_count(0)
    page.get_by_label("Note on AO-2 (optional)").press_sequentially(WHAT_CHANGED)
    save_and_continue(page)


def expect_the_verdict(page: Page) -> None:
    before, after = total(LAST_SCORES, THEME), total(THIS_SCORES, THEME)
    verdict = page.get_by_role("region", name=re.compile("^Last theme"))
    expect(verdict.get_by_role("heading")).to_have_text(
        f"Last theme: {DIMENSIONS[THEME]} ({LAST_QUARTER.label})"
    )
    expect(verdict.locator(".lead")).to_have_text(
        f"{DIMENSIONS[THEME]} {before} → {after}, +{after - before}, {band(before)} → {band(after)}"
    )
    expect(verdict).to_contain_text("Its actions: 1 done, 0 dropped, 1 open.")
    rows = verdict.locator("tbody tr")
    expect(rows).to_have_count(len(FIGURE_LABELS))
    for index, label in enumerate(FIGURE_LABELS):
        then, now = LAST_FIGURES[label], THIS_FIGURES[label]
        change = signed(Decimal(now) - Decimal(then))
        expect(rows.nth(index).locator("th, td")).to_have_text([label, then, now, change])


def plan_last_quarter(page: Page, live_server, team) -> Assessment:
    """Submit last quarter, then plan from its report: targets and figures on the team page,
    the suggested theme, two recommended actions adopted and one of them edited."""
    last = submit_last_quarter(page, live_server, team)
    set_targets(page)
    record_last_quarter_figures(page)
    page.get_by_role("link", name=LAST_QUARTER.label, exact=True).press("Enter")
    expect(page).to_have_url(f"{live_server.url}/assessments/{last.pk}/")
    choose_the_suggested_theme(page)
    adopt_and_edit_actions(page)
    assert_no_axe_violations(page, "a report with its targets, theme and actions")

    page.get_by_role("link", name="Team history").press("Enter")
    expect(page.get_by_role("heading", name=f"{team.name}: quarter by quarter")).to_be_visible()
    expect(page.locator(".theme-quarter")).to_have_text(
        f"Theme for next quarter: {DIMENSIONS[THEME]}"
    )
    assert_no_axe_violations(page, "the team page with targets and figures")
    return last


def answer_this_quarter(page: Page, team) -> None:
    """From last quarter's answers: every step checked, four answers changed, the figures
    entered, up to the review."""
    go_to_dashboard(page)
    start_this_quarter_from_last(page, team)
    check_carried_step(page, 2, "VO", axe=True)
    check_carried_step(page, 3, "CX")
    check_carried_step(page, 4, "AO")
    explain_the_moved_answer(page)
    check_carried_step(page, 5, "MP")

    expect_step(page, 6)
    expect(page.get_by_role("heading", name="Outcome figures")).to_be_visible()
    assert_no_axe_violations(page, "the wizard's outcome figures step")
    enter_figures(page, THIS_FIGURES)
    save_and_continue(page)
    expect_step(page, 7)
    expect(page.locator("#review-figures-list li")).to_have_text(
        [f"{label}: {value}" for label, value in THIS_FIGURES.items()]
    )
    expect(page.get_by_text("Every question is answered")).to_be_visible()
    expect(page.locator("#review-unconfirmed")).to_have_count(0)


def submit_this_quarter(page: Page, live_server, team) -> Assessment:
    go_to_dashboard(page)
    page.get_by_role("link", name=f"Continue draft for {team.name} {THIS_QUARTER.label}").press(
        "Enter"
    )
    expect_step(page, 7)
    page.get_by_role("button", name="Submit assessment").press("Enter")
    this = Assessment.objects.get(team=team, year=THIS_QUARTER.year, quarter=THIS_QUARTER.quarter)
    expect(page).to_have_url(f"{live_server.url}/assessments/{this.pk}/")
    expect(page.get_by_text("Submitted. Here is your report.")).to_be_visible()
    return this


def expect_the_verdict_in_the_pdf(page: Page) -> None:
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF (A4)").click()
    text = pdf_text(Path(pdf_download.value.path()).read_bytes())
    before, after = total(LAST_SCORES, THEME), total(THIS_SCORES, THEME)
    assert (
        f"Last theme ({LAST_QUARTER.label}): {DIMENSIONS[THEME]} {before} → {after}, "
        f"+{after - before}, {band(before)} → {band(after)}"
    ) in text, text
    assert "Its actions: 1 done, 0 dropped, 1 open." in text, text
    for label in FIGURE_LABELS:
        then, now = LAST_FIGURES[label], THIS_FIGURES[label]
        assert f"{label} {then} {now} {signed(Decimal(now) - Decimal(then))}" in text, text


def history_cells(scores: dict[str, int]) -> list[str]:
    """A quarter's row of the team page's totals table, after its quarter."""
    totals = [total(scores, code) for code in DIMENSIONS]
    return ["Submitted", *(f"{t} {band(t)}" for t in totals), str(sum(totals))]


def expect_both_quarters_on_the_team_page(page: Page) -> None:
    page.get_by_role("link", name="Team history").press("Enter")
    history = page.get_by_role("table", name=re.compile("^Totals per quarter"))
    for quarter, scores in ((THIS_QUARTER, THIS_SCORES), (LAST_QUARTER, LAST_SCORES)):
        row = history.get_by_role("row", name=re.compile(f"^{quarter.label}"))
        expect(row.locator("td")).to_have_text(history_cells(scores))

    figures = page.locator("table.metrics-table tbody tr")
    expect(figures.locator("th")).to_have_text([THIS_QUARTER.label, LAST_QUARTER.label])
    for row, quarter_figures in zip(figures.all(), (THIS_FIGURES, LAST_FIGURES), strict=True):
        expect(row.locator("td")).to_have_text([*metrics_row(quarter_figures), re.compile("^Edit")])
    charts = page.locator(".metric-chart")
    expect(charts).to_have_count(len(FIGURE_LABELS))
    for chart, label in zip(charts.all(), FIGURE_LABELS, strict=True):
        expect(chart.locator("svg.main-svg").first).to_be_visible()
        for text in (label, LAST_QUARTER.label, THIS_QUARTER.label, f"Theme {THEME}"):
            expect(chart).to_contain_text(text)


def test_a_theme_chosen_last_quarter_gets_its_verdict_this_quarter(
    live_server, page: Page, model_v0_tx, team_a, lead_a
):
    draft, _ = assessment_start(team=team_a, period=LAST_QUARTER, user=lead_a)
    fill(draft, LAST_SCORES)
    sign_in(page, f"{live_server.url}/", "lead_a")
    last = plan_last_quarter(page, live_server, team_a)
    answer_this_quarter(page, team_a)

    # Meanwhile, one of last quarter's actions got done.
    go_to_dashboard(page)
    page.get_by_role("link", name=f"Report for {team_a.name} {LAST_QUARTER.label}").press("Enter")
    mark_done(page, ADOPTED[1])

    this = submit_this_quarter(page, live_server, team_a)
    expect_the_verdict(page)
    after = total(THIS_SCORES, THEME)
    expect(page.locator(f"#goal-{THEME} td")).to_have_text(
        [
            f"{after} / 25",
            band(after),
            str(TARGETS[THEME]),
            f"{TARGETS[THEME] - after} below target",
        ]
    )
    assert_no_axe_violations(page, "a report with the verdict on last quarter's theme")
    assert dict(this.answers.values_list("question__code", "score")) == THIS_SCORES
    assert this.answers.get(question__code="AO-2").note == WHAT_CHANGED
    statuses = Action.objects.filter(assessment=last).values_list("status", flat=True)
    assert sorted(statuses) == ["doing", "done"]

    expect_the_verdict_in_the_pdf(page)
    expect_both_quarters_on_the_team_page(page)
