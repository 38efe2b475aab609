"""A team lead whose browser asks for German scores a quarter: the sign-in, the dashboard, the
wizard, the report and its PDF come in German, and the model's wording in the German an admin
gave it (the rest in the English source). axe-clean on every page, with the page's own CSP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from assessments.models import Answer, Assessment
from assessments.services import answers_save
from catalogue.models import Dimension, DimensionTranslation, Question, QuestionTranslation
from tests.conftest import PASSWORD, questions_of
from tests.e2e.conftest import assert_no_axe_violations, with_generous_timeouts

GERMAN_NAME = "Wertorientierung"
GERMAN_QUESTION = "Kennen Sie den Wert, den Ihre Kunden erwarten?"


@pytest.fixture
def german_page(browser: Browser) -> Page:
    """A browser set to German: it sends Accept-Language: de-DE."""
    context = with_generous_timeouts(browser.new_context(locale="de-DE"))
    yield context.new_page()
    context.close()


@pytest.fixture
def german_wording(model_v0):
    """What an admin entered for the German wording of one dimension and one question."""
    DimensionTranslation.objects.create(
        dimension=Dimension.objects.get(model=model_v0, code="VO"),
        language="de",
        name=GERMAN_NAME,
    )
    QuestionTranslation.objects.create(
        question=Question.objects.get(dimension__model=model_v0, code="VO-1"),
        language="de",
        text=GERMAN_QUESTION,
    )


def test_a_german_team_lead_scores_a_quarter_in_german(
    live_server, german_page: Page, german_wording, model_v0, team_a, lead_a
):
    page = german_page
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    assert_no_axe_violations(page, "the German sign-in page")
    page.get_by_label("Benutzername").fill("lead_a")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    expect(page.get_by_role("heading", name="Ihre Teams")).to_be_visible()
    assert_no_axe_violations(page, "the German dashboard")

    page.goto(f"{live_server.url}/assessments/new/")
    expect(page.get_by_role("heading", name="Bewertung starten")).to_be_visible()
    page.get_by_role("button", name="Starten").click()
    expect(page.get_by_text("Schritt 1 von 7")).to_be_visible()
    assessment = Assessment.objects.get(team=team_a)
    assert assessment.language == "de"
    page.get_by_role("button", name="Speichern und weiter").click()

    # Step 2: the German wording where an admin gave one, the English source elsewhere.
    expect(page.get_by_text("Schritt 2 von 7")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(GERMAN_NAME))).to_be_visible()
    expect(page.get_by_text(GERMAN_QUESTION)).to_be_visible()
    vo_2 = Question.objects.get(dimension__model=model_v0, code="VO-2")
    expect(page.get_by_text(vo_2.text)).to_be_visible()
    assert_no_axe_violations(page, "a German wizard step")
    for n in range(1, 6):
        page.locator(f"input[name='VO-{n}'][value='4']").check()
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_text("Schritt 3 von 7")).to_be_visible()

    # The other dimensions as the wizard's background save would store them.
    rest = {q: (3, "") for q in questions_of(model_v0) if not q.code.startswith("VO")}
    answers_save(assessment=assessment, answers=rest)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/step/7/")
    expect(page.get_by_text("Schritt 7 von 7")).to_be_visible()
    assert_no_axe_violations(page, "the German review")
    page.get_by_role("button", name="Bewertung einreichen").click()

    # The report: German around the model's wording as it was asked.
    expect(page.get_by_role("link", name=re.compile("PDF herunterladen"))).to_be_visible()
    expect(page.get_by_text(GERMAN_QUESTION).filter(visible=True).first).to_be_visible()
    expect(page.get_by_text("Gesamt").first).to_be_visible()
    assert_no_axe_violations(page, "the German report")
    frozen = Answer.objects.get(assessment=assessment, question__code="VO-1")
    assert frozen.question_text == GERMAN_QUESTION

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("PDF herunterladen")).first.click()
    reader = PdfReader(download.value.path())
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Erstellt von" in text
    assert GERMAN_NAME in text
    assert GERMAN_QUESTION in text
    assert "Prepared by" not in text
    assert reader.trailer["/Root"]["/Lang"] == "de"
