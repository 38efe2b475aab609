"""The app's language: a signed-in person's saved choice, else the browser's; and a model
version's wording in another language, edited in admin, over the English source."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Preferences
from assessments.models import Answer
from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.models import (
    Band,
    BandTranslation,
    Dimension,
    DimensionTranslation,
    Question,
    QuestionTranslation,
    ScaleLevel,
    ScaleLevelTranslation,
)
from catalogue.selectors import forget_model_structures, model_structure
from tests.conftest import submit


def active_language(client, **headers) -> str:
    """The language the app chose for this request (what LocaleMiddleware and ours decided)."""
    response = client.get(reverse("language"), headers=headers)
    assert response.status_code == 200
    return response.wsgi_request.LANGUAGE_CODE


# --- Choosing the language --------------------------------------------------------------------


def test_without_a_choice_the_browser_decides(client, lead_a):
    client.force_login(lead_a)
    assert active_language(client, accept_language="de-DE,de;q=0.9,en;q=0.5") == "de"
    assert active_language(client, accept_language="en-GB") == "en"
    assert active_language(client, accept_language="fr-FR") == "en"  # not ours: the source


def test_a_saved_choice_beats_the_browser(client, lead_a):
    client.force_login(lead_a)
    response = client.post(reverse("language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Preferences.objects.get(user=lead_a).language == "de"
    assert active_language(client, accept_language="en-US") == "de"


def test_the_choice_follows_the_person_to_another_browser(client, lead_a):
    Preferences.objects.create(user=lead_a, language="de")
    client.force_login(lead_a)  # a new session: read from the preferences
    assert active_language(client, accept_language="en-US") == "de"


def test_following_the_browser_again_clears_the_choice(client, lead_a):
    Preferences.objects.create(user=lead_a, language="de")
    client.force_login(lead_a)
    client.post(reverse("language"), {"language": ""})
    assert Preferences.objects.get(user=lead_a).language == ""
    assert active_language(client, accept_language="en-US") == "en"


def test_anonymous_people_choose_by_cookie(client, db):
    response = client.post(reverse("language"), {"language": "de", "next": reverse("login")})
    assert response.cookies["language"].value == "de"
    assert not Preferences.objects.exists()
    page = client.get(reverse("login"), headers={"accept-language": "en"})
    assert page.wsgi_request.LANGUAGE_CODE == "de"


@pytest.mark.parametrize("language", ["fr", "xx", "de-DE; drop table", "en" * 20])
def test_an_unknown_language_is_refused_and_nothing_saved(client, lead_a, language):
    client.force_login(lead_a)
    response = client.post(reverse("language"), {"language": language})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Preferences.objects.exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_next_never_leads_off_site(client, next_url):
    response = client.post(reverse("language"), {"language": "de", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("language")


# --- A version's wording in another language --------------------------------------------------


@pytest.fixture
def german(model_v0):
    dimension = Dimension.objects.get(model=model_v0, code="VO")
    question = Question.objects.get(dimension__model=model_v0, code="VO-1")
    band = Band.objects.get(model=model_v0, min_total=5)
    level = ScaleLevel.objects.get(model=model_v0, value=1)
    DimensionTranslation.objects.create(dimension=dimension, language="de", name="Wertorientierung")
    QuestionTranslation.objects.create(
        question=question, language="de", text="Kennen Sie den Wert für den Kunden?"
    )
    BandTranslation.objects.create(band=band, language="de", label="Sofortiger Handlungsbedarf")
    ScaleLevelTranslation.objects.create(scale_level=level, language="de", label="Trifft nicht zu")
    model_v0.refresh_from_db()
    return model_v0


def parts(structured):
    dimension = structured.dimensions.all()[0]
    return {
        "dimension": dimension.name,
        "question": dimension.questions.all()[0].text,
        "guidance": dimension.questions.all()[0].guidance,
        "second question": dimension.questions.all()[1].text,
        "band": structured.bands.all()[0].label,
        "scale": structured.scale.all()[0].label,
    }


def test_german_wording_shows_where_translated_and_english_elsewhere(german):
    source = parts(model_structure(german))
    shown = parts(model_structure(german, "de"))
    assert shown["dimension"] == "Wertorientierung"
    assert shown["question"] == "Kennen Sie den Wert für den Kunden?"
    assert shown["band"] == "Sofortiger Handlungsbedarf"
    assert shown["scale"] == "Trifft nicht zu"
    assert shown["guidance"] == source["guidance"]  # blank in the translation: the source's
    assert shown["second question"] == source["second question"]  # not translated
    assert source["dimension"] == "Value Orientation"  # the source copy is left alone
    assert parts(model_structure(german, "en"))["dimension"] == "Value Orientation"
    assert parts(model_structure(german, "de-AT"))["dimension"] == "Wertorientierung"


def test_a_language_without_translations_is_the_source(model_v0):
    assert parts(model_structure(model_v0, "de")) == parts(model_structure(model_v0))


def test_editing_a_translation_shows_at_once(german, django_assert_num_queries):
    model_structure(german, "de")
    with django_assert_num_queries(0):
        model_structure(german, "de")  # from memory while nothing changed
    row = QuestionTranslation.objects.get(question__code="VO-1", language="de")
    row.text = "Wissen Sie, welchen Wert der Kunde erwartet?"
    row.save()
    german.refresh_from_db()
    assert parts(model_structure(german, "de"))["question"] == row.text
    row.delete()
    german.refresh_from_db()
    assert (
        parts(model_structure(german, "de"))["question"]
        == parts(model_structure(german))["question"]
    )


def test_a_cold_translated_structure_costs_nine_queries(german, django_assert_num_queries):
    forget_model_structures()
    with django_assert_num_queries(9):  # the structure's five, and one per kind of translation
        model_structure(german, "de")


def test_admin_edits_a_frozen_versions_translations(admin_client, model_v0):
    question = Question.objects.get(dimension__model=model_v0, code="VO-2")
    url = reverse("admin:catalogue_question_change", args=[question.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "translations-TOTAL_FORMS" in page.content.decode()
    response = admin_client.post(
        url,
        {
            "dimension": question.dimension_id,
            "order": question.order,
            "code": question.code,
            "text": question.text,
            "guidance": question.guidance,
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
            "translations-0-language": "de",
            "translations-0-text": "Deutsche Fassung",
            "translations-0-guidance": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert QuestionTranslation.objects.get(question=question, language="de").text == (
        "Deutsche Fassung"
    )


def test_the_source_language_cannot_be_a_translation(admin_client, model_v0):
    question = Question.objects.get(dimension__model=model_v0, code="VO-2")
    response = admin_client.post(
        reverse("admin:catalogue_question_change", args=[question.pk]),
        {
            "dimension": question.dimension_id,
            "order": question.order,
            "code": question.code,
            "text": question.text,
            "guidance": question.guidance,
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
            "translations-0-language": "en",
            "translations-0-text": "Another English text",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not QuestionTranslation.objects.exists()


# --- An assessment keeps the language it was asked in -------------------------------------------


def test_an_assessment_is_asked_and_reported_in_its_starters_language(
    client, german, team_a, lead_a
):
    with translation.override("de"):
        asked_in_german = submit(team_a, lead_a, Quarter(2026, 2), 3)
    asked_in_english = submit(team_a, lead_a, Quarter(2026, 3), 3)
    assert (asked_in_german.language, asked_in_english.language) == ("de", "en")
    frozen = Answer.objects.get(assessment=asked_in_german, question__code="VO-1")
    assert frozen.question_text == "Kennen Sie den Wert für den Kunden?"
    english = Answer.objects.get(assessment=asked_in_english, question__code="VO-1")
    assert english.question_text == Question.objects.get(code="VO-1").text

    # Later edits to the German wording never rewrite what was asked.
    QuestionTranslation.objects.filter(question__code="VO-1").update(text="Neu formuliert")
    client.force_login(lead_a)
    report = client.get(reverse("assessments:report", args=[asked_in_german.pk]))
    assert "Kennen Sie den Wert für den Kunden?" in report.content.decode()
    assert "Wertorientierung" in report.content.decode()
    other = client.get(reverse("assessments:report", args=[asked_in_english.pk]))
    assert "Kennen Sie den Wert" not in other.content.decode()
    assert "Value Orientation" in other.content.decode()


def test_the_wizard_asks_a_german_assessment_in_german(client, german, team_a, lead_a):
    with translation.override("de"):
        draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    client.force_login(lead_a)
    step = client.get(reverse("assessments:step", args=[draft.pk, 2]))
    assert step.status_code == 200
    assert "Kennen Sie den Wert für den Kunden?" in step.content.decode()


def test_a_language_the_app_does_not_speak_starts_in_the_source_language(team_a, lead_a, model_v0):
    with translation.override("fr"):
        draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    assert draft.language == "en"
