"""Issue 14, part 5: what people hit on small and wide screens, with the keyboard, on a slow
connection and in the admin, each checked in a real browser."""

from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.plan_services import theme_choose
from assessments.services import answers_save, assessment_start
from assessments.team_services import respondents_invite
from catalogue.models import Dimension
from organizations.models import Team
from tests.conftest import PASSWORD, make_user, questions_of, submit
from tests.e2e.conftest import assert_no_axe_violations

WIDTHS = (375, 1280)
Q1, Q2, Q3, Q4 = (Quarter(2026, n) for n in (1, 2, 3, 4))
LONG_NOTE = (
    "The kickoff template is used by every account manager now, but the hand-over to support "
    "still happens by e-mail and gets lost in about one case out of five."
)

# What a person cannot read on the page: a badge or cell whose text is cut off, a table cell
# outside the screen that no scrollable box brings into view (or a box the keyboard cannot
# reach), and a page wider than the screen.
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const view = document.documentElement.clientWidth;
  const name = (el) => {
    const text = (el.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${text}"`;
  };
  // Text kept for screen readers only (Bootstrap's .visually-hidden, a stacked table's headings).
  const screenReaderOnly = (el) => {
    for (let box = el; box; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > view) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  for (const el of document.querySelectorAll(".badge, .btn, td, th")) {
    if (el.offsetParent === null || screenReaderOnly(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(`clipped: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  const scroller = (el) => {
    for (let box = el.parentElement; box; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if ((overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth) {
        return box;
      }
    }
    return null;
  };
  for (const cell of document.querySelectorAll("table td, table th")) {
    if (cell.offsetParent === null || screenReaderOnly(cell)) continue;
    const rect = cell.getBoundingClientRect();
    if (rect.left >= -1 && rect.right <= view + 1) continue;
    const box = scroller(cell);
    if (!box) {
      problems.push(`off-screen, no scroll box: ${name(cell)}`);
      continue;
    }
    const outer = box.getBoundingClientRect();
    if (outer.left < -1 || outer.right > view + 1) {
      problems.push(`its scroll box is off-screen: ${name(cell)}`);
    }
    if (box.tabIndex !== 0 || !box.getAttribute("aria-label")) {
      problems.push(`its scroll box is not reachable by keyboard or unnamed: ${name(cell)}`);
    }
  }
  return [...new Set(problems)];
}
"""


SCROLLING_TABLES = """
() => [...document.querySelectorAll(".table-responsive")]
  .filter((box) => box.scrollWidth > box.clientWidth)
  .map((box) => `scrolls sideways: ${box.getAttribute("aria-label")}`)
"""


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_be_visible()


@pytest.fixture
def workspace(model_v0, acme, team_a, team_b, lead_a, lead_b, consultant):
    """A team with a year of quarters, a theme, notes and a draft with people invited; a
    second team with a long name, so the comparison and the organization page are full."""
    team_b.name = "Strategic Enterprise Accounts Onboarding"
    team_b.save()
    submit(team_a, lead_a, Q1, 1)
    q2 = submit(team_a, lead_a, Q2, 3)
    report = submit(
        team_a,
        lead_a,
        Q3,
        {q.code: 5 if q.dimension.code in {"VO", "CX"} else 2 for q in questions_of(model_v0)},
        notes={q.code: LONG_NOTE for q in questions_of(model_v0)},
    )
    theme_choose(
        assessment=q2,
        user=lead_a,
        dimension=Dimension.objects.get(model=model_v0, code="AO"),
    )
    submit(team_b, lead_b, Q3, 4)
    draft, _ = assessment_start(team=team_a, period=Q4, user=lead_a)
    answers_save(
        assessment=draft,
        answers={q: (3, "") for q in questions_of(model_v0) if q.dimension.code == "VO"},
    )
    respondents_invite(
        assessment=draft,
        users=[make_user("rowan", first_name="Rowan", last_name="Respondent-Longname")],
        invited_by=lead_a,
    )
    return {"report": report, "draft": draft}


def layout_problems(page: Page) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_table_page_is_readable_on_a_phone_and_a_laptop(
    live_server, page: Page, workspace, team_a, width
):
    report, draft = workspace["report"], workspace["draft"]
    review = Assessment.objects.get(pk=draft.pk).model.dimensions.count() + 3
    pages = {
        "lead_a": {
            "dashboard": reverse("assessments:dashboard"),
            "report": reverse("assessments:report", args=[report.pk]),
            "team history": reverse("assessments:team", args=[team_a.pk]),
            "respondents": reverse("assessments:respondents", args=[draft.pk]),
            "review step": reverse("assessments:step", args=[draft.pk, review]),
        },
        "consultant": {
            "consultant dashboard": reverse("assessments:dashboard"),
            "organization page": reverse("assessments:organization", args=["acme"]),
            "compare": reverse("assessments:compare", args=["acme"])
            + "?"
            + "&".join(f"team={t.pk}" for t in Team.objects.filter(organization__slug="acme"))
            + "&quarter=2026Q3",
        },
    }
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for username, urls in pages.items():
        sign_in(page, live_server, username)
        for label, url in urls.items():
            page.goto(live_server.url + url)
            problems = layout_problems(page)
            if width >= 1280:  # a laptop has room for every table: none scrolls sideways
                problems += page.evaluate(SCROLLING_TABLES)
            if problems:
                found[label] = problems
            assert_no_axe_violations(page, f"{label} at {width} px")
            if os.environ.get("SCREENSHOTS"):
                shot = re.sub(r"\W+", "-", label)
                page.screenshot(path=f"/tmp/ux-{shot}-{width}.png", full_page=True)
        page.context.clear_cookies()
    assert not found, "\n".join(f"{label}: {p}" for label, ps in found.items() for p in ps)


# --- Contrast of the controls and the focus ring (WCAG 1.4.11: 3:1) ---------------------------

RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)")
WHITE = (255, 255, 255)


def rgb(css: str) -> tuple[float, float, float]:
    """The first colour in a computed style ("rgb(11, 37, 69)", or a shadow that holds one)."""
    match = RGB.search(css)
    assert match, f"no colour in {css!r}"
    return tuple(float(part) for part in match.groups())


def luminance(colour: tuple[float, float, float]) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUSED_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {focusVisible: el.matches(":focus-visible"), outline: style.outlineColor,
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          ring: style.boxShadow, background: style.backgroundColor};
}"""


def test_radios_and_the_focus_ring_stand_out_from_white_and_from_the_control(
    live_server, page: Page, model_v0, team_a, lead_a
):
    draft, _ = assessment_start(team=team_a, period=Q4, user=lead_a)
    page.emulate_media(reduced_motion="reduce")  # no transitions: read the ring as it stays
    sign_in(page, live_server, "lead_a")
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 2]))
    radio = page.locator("input[name='VO-1'][value='3']")
    border = radio.evaluate("el => getComputedStyle(el).borderTopColor")
    assert contrast(rgb(border), WHITE) >= 3, f"an unselected radio's outline is {border}"

    page.locator("input[name='VO-1'][value='2']").focus()
    page.keyboard.press("ArrowRight")  # the keyboard moves the choice, and focus, to 3
    expect(radio).to_be_checked()
    ring = page.evaluate(FOCUSED_STYLE)
    assert ring["focusVisible"] and ring["outlineStyle"] == "solid" and ring["outlineWidth"] >= 2
    assert contrast(rgb(ring["outline"]), WHITE) >= 3, ring
    # Between the ring and the control, a white band (the box-shadow) against its fill.
    assert contrast(rgb(ring["ring"]), rgb(ring["background"])) >= 3, ring
    assert contrast(rgb(ring["outline"]), rgb(ring["ring"])) >= 3, ring

    page.keyboard.press("Tab")  # on to the note field, then the button: the same ring
    page.get_by_role("button", name="Save and continue").focus()
    ring = page.evaluate(FOCUSED_STYLE)
    assert ring["focusVisible"]
    assert contrast(rgb(ring["outline"]), WHITE) >= 3, ring
    assert contrast(rgb(ring["ring"]), rgb(ring["background"])) >= 3, ring
    assert_no_axe_violations(page, "a dimension step")


# --- The review: progress by answers, Submit only when complete, an error summary ------------


@pytest.fixture
def half_done(model_v0, team_a, lead_a) -> Assessment:
    """A draft with Value Orientation answered and the other fifteen questions open."""
    draft, _ = assessment_start(team=team_a, period=Q4, user=lead_a)
    answers_save(
        assessment=draft,
        answers={q: (3, "") for q in questions_of(model_v0) if q.dimension.code == "VO"},
    )
    return draft


def test_the_review_counts_answers_and_a_refused_submit_focuses_the_error_summary(
    live_server, page: Page, half_done
):
    sign_in(page, live_server, "lead_a")
    review = live_server.url + reverse("assessments:step", args=[half_done.pk, 7])
    page.goto(review)
    expect(page.locator("#answered-status")).to_have_text("5 of 20 questions answered")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "25")
    expect(page.get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", "5 of 20 questions answered"
    )
    steps = page.get_by_role("navigation", name="Assessment steps")
    done = re.compile(r"^2\. Value Orientation \(all answered\)$")
    expect(steps.get_by_role("link", name=done)).to_contain_text("✓")
    open_ = re.compile(r"^3\. CX & Delivery \(0 of 5 answered\)$")
    expect(steps.get_by_role("link", name=open_)).to_contain_text("0/5")
    submit = page.get_by_role("button", name="Submit assessment")
    expect(submit).to_be_disabled()
    expect(page.locator("#submit-why")).to_contain_text("once every question is answered")
    assert submit.get_attribute("aria-describedby") == "submit-why"
    assert_no_axe_violations(page, "the review with questions open")

    # Forced (an old page, a tampered one): the server refuses, and says why where focus lands.
    submit.evaluate("button => { button.disabled = false; }")
    submit.click()
    expect(page).to_have_url(re.compile(r"/step/7/\?submit=refused$"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text(
        "Not submitted: 15 questions still to answer before you can submit"
    )
    links = summary.get_by_role("link")
    expect(links).to_have_count(15)
    expect(links.first).to_have_attribute("href", re.compile(r"/step/3/#question-CX-1$"))
    assert Assessment.objects.get(pk=half_done.pk).status == "draft"
    assert_no_axe_violations(page, "the review after a refused submit")


# --- Submitting once, and Back after it ------------------------------------------------------


def test_a_double_click_on_a_slow_connection_submits_once_and_back_shows_the_report(
    live_server, page: Page, model_v0, team_a, lead_a
):
    draft, _ = assessment_start(team=team_a, period=Q4, user=lead_a)
    answers_save(assessment=draft, answers=dict.fromkeys(questions_of(model_v0), (4, "")))
    sign_in(page, live_server, "lead_a")
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 7]))
    expect(page.locator("#answered-status")).to_have_text("20 of 20 questions answered")

    submit = page.get_by_role("button", name="Submit assessment")

    def double_click() -> None:
        submit.scroll_into_view_if_needed()
        box = submit.bounding_box()
        page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    # A connection so slow the answer never comes (204: the page stays as it is): the first
    # click is sent, the button then says why it no longer works, and no second one is sent.
    stalled = []
    page.route(
        re.compile(r"/submit/$"), lambda route: (stalled.append(1), route.fulfill(status=204))
    )
    double_click()
    expect(submit).to_be_disabled()
    expect(page.locator("[data-submit-status]")).to_have_text("Submitting…")
    submit.click(force=True)  # an impatient third click
    expect(submit).to_be_disabled()
    assert len(stalled) == 1, f"{len(stalled)} submits sent"
    page.unroute(re.compile(r"/submit/$"))

    # For real: a double click sends one submit and lands on the report, calmly.
    page.reload()
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/submit/") else None)
    double_click()
    report = live_server.url + reverse("assessments:report", args=[draft.pk])
    expect(page).to_have_url(report)
    expect(page.get_by_text("Submitted. Here is your report.")).to_be_visible()
    expect(page.get_by_text("already been submitted")).to_have_count(0)
    assert [r.method for r in sent] == ["POST"]
    assert Assessment.objects.get(pk=draft.pk).status == "submitted"

    page.go_back()  # to the review: it is not shown again with a live Submit button
    expect(page).to_have_url(report)
    expect(page.get_by_role("button", name="Submit assessment")).to_have_count(0)


# --- Admin: questions from the index; guidance readable at 1280 px ---------------------------


def test_admins_find_a_question_from_the_index_by_code_or_wording(
    live_server, page: Page, model_v0, admin_user, submitted_assessment
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Questions", exact=True).first.click()
    expect(page.get_by_role("heading", name="Select question to change")).to_be_visible()

    for term in ("CX-4", "milestones"):
        page.get_by_role("textbox", name="Search").fill(term)
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#result_list").get_by_role("link", name="CX-4")).to_be_visible()
    assert_no_axe_violations(page, "the admin's question list")
    page.locator("#result_list").get_by_role("link", name="CX-4").click()
    # The version is in use: the wording is editable, the code and order are not.
    expect(page.locator("#id_text")).to_be_editable()  # the source wording, not a translation
    expect(page.locator("input[name='code']")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)

    cx = Dimension.objects.get(model=model_v0, code="CX")
    page.goto(live_server.url + reverse("admin:catalogue_dimension_change", args=[cx.pk]))
    guidance = page.locator("textarea[name$='-guidance']").first
    box = guidance.bounding_box()
    assert box and box["x"] + box["width"] <= 1280, f"the guidance column ends at {box}"
    assert box["width"] >= 250, f"the guidance column is {box['width']}px wide"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_no_axe_violations(page, "the admin's dimension page")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path="/tmp/ux-admin-dimension-1280.png")


# --- The import's problem list ---------------------------------------------------------------


def test_the_import_problem_list_is_readable(live_server, page: Page, model_v0, acme, consultant):
    sign_in(page, live_server, "consultant")
    page.goto(live_server.url + reverse("assessments:import", args=["acme"]))
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "answers.csv",
                "mimeType": "text/csv",
                "buffer": b"organization,team,year,quarter,model_version,question,score,note\n"
                b"Acme Corp,Nobody,2026,3,v0,VO-1,7,\n",
            }
        ]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".import-problems li").first).to_be_visible()
    code = page.locator(".import-problems code").first
    colours = code.evaluate(
        """el => [getComputedStyle(el).color,
                  getComputedStyle(el.closest('.alert')).backgroundColor]"""
    )
    assert contrast(rgb(colours[0]), rgb(colours[1])) >= 4.5, colours
    assert_no_axe_violations(page, "the import's problem list")
