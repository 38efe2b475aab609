"""The recommendations library: shipped as fixture data, installed with the model, copied with
each new version, and kept (wording and deletions) as admins leave it."""

from __future__ import annotations

import datetime
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Action, DimensionTarget, OutcomeMetrics, ReminderSent
from catalogue.models import Band, Dimension, MaturityModel, Question, Recommendation
from catalogue.services import BASELINE_REASON, model_version_duplicate
from tests.admin_forms import change_form_data

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LIBRARY = FIXTURES / "recommendations_v0.json"
BAND_STARTS = (5, 11, 19)


def library_records() -> list[dict]:
    return json.loads(LIBRARY.read_text(encoding="utf-8"))


def snapshot(model: MaturityModel) -> list[tuple]:
    return list(
        model.recommendations.order_by("key").values_list(
            "pk", "key", "dimension_id", "band_id", "question_id", "title", "detail", "order"
        )
    )


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def shipped_fixtures(tmp_path, settings) -> Path:
    """A fixtures folder of our own, as a later release might ship it."""
    for name in ("model_v0.json", "recommendations_v0.json"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    settings.FIXTURE_DIRS = [tmp_path]
    return tmp_path


def add_to_library(folder: Path, **fields) -> None:
    path = folder / "recommendations_v0.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    base = {
        "model": ["customer-onboarding", "v0"],
        "dimension": ["customer-onboarding", "v0", "VO"],
        "band": ["customer-onboarding", "v0", 5],
        "question": None,
        "title": "A recommendation shipped in a later release",
        "detail": "Do the thing. It worked when it is done.",
        "order": 9,
    }
    records.append({"model": "catalogue.recommendation", "fields": {**base, **fields}})
    path.write_text(json.dumps(records), encoding="utf-8")


# --- The shipped library ---------------------------------------------------------------------


def test_every_dimension_and_band_has_at_least_two_recommendations(model_v0):
    recommendations = model_v0.recommendations.select_related("dimension", "band")
    assert recommendations.count() >= 24
    cells = {
        (d.code, b.min_total): 0 for d in model_v0.dimensions.all() for b in model_v0.bands.all()
    }
    assert len(cells) == 12
    for recommendation in recommendations:
        cells[(recommendation.dimension.code, recommendation.band.min_total)] += 1
    assert {cell: n for cell, n in cells.items() if n < 2} == {}


def test_the_whole_library_is_installed_with_the_model(model_v0):
    shipped = {record["fields"]["key"] for record in library_records()}
    assert set(model_v0.recommendations.values_list("key", flat=True)) == shipped


def test_every_recommendation_points_inside_its_own_version(model_v0):
    for r in Recommendation.objects.select_related("dimension", "band", "question"):
        assert r.dimension.model_id == r.model_id, r.key
        assert r.band.model_id == r.model_id, r.key
        if r.question is not None:
            assert r.question.dimension_id == r.dimension_id, r.key


def test_some_recommendations_are_tied_to_a_question_in_every_dimension(model_v0):
    tied = model_v0.recommendations.filter(question__isnull=False)
    assert set(tied.values_list("dimension__code", flat=True)) == {"VO", "CX", "AO", "MP"}


def test_library_keys_are_unique_slugs():
    keys = [record["fields"]["key"] for record in library_records()]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key) for key in keys)


def test_titles_are_short_and_details_say_what_to_do_in_one_to_three_sentences():
    for record in library_records():
        fields = record["fields"]
        assert record["model"] == "catalogue.recommendation"
        assert 0 < len(fields["title"]) <= 90, fields["key"]
        assert not fields["title"].endswith("."), fields["key"]
        assert 1 <= len(sentences(fields["detail"])) <= 3, fields["key"]


def test_library_entries_use_natural_keys_not_primary_keys():
    for record in library_records():
        assert "pk" not in record
        assert record["fields"]["band"][2] in BAND_STARTS


# --- install_model ---------------------------------------------------------------------------


def test_installing_twice_changes_nothing(model_v0):
    before = snapshot(model_v0), Recommendation.history.count()
    out = io.StringIO()
    call_command("install_model", stdout=out)
    assert (snapshot(model_v0), Recommendation.history.count()) == before
    assert "recommendations" not in out.getvalue()  # nothing was added


def test_installing_again_keeps_an_admin_edit(model_v0):
    edited = model_v0.recommendations.get(key="cx-attention-shared-plan")
    edited.title = "Publish the plan in the customer portal on day one"
    edited.detail = "Our own wording."
    edited.save()

    call_command("install_model", verbosity=0, stdout=io.StringIO())

    edited.refresh_from_db()
    assert (edited.title, edited.detail) == (
        "Publish the plan in the customer portal on day one",
        "Our own wording.",
    )


def test_a_recommendation_an_admin_deleted_stays_deleted(admin_client, model_v0):
    doomed = model_v0.recommendations.get(key="mp-attention-write-the-playbook")
    url = reverse("admin:catalogue_recommendation_delete", args=[doomed.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    count = model_v0.recommendations.count()

    call_command("install_model", verbosity=0, stdout=io.StringIO())

    assert model_v0.recommendations.count() == count
    assert not model_v0.recommendations.filter(key="mp-attention-write-the-playbook").exists()


def test_a_recommendation_new_in_the_library_is_added_and_nothing_else_changes(
    model_v0, shipped_fixtures
):
    model_v0.recommendations.filter(key="vo-attention-value-statement").update(title="Edited")
    before = snapshot(model_v0)
    add_to_library(
        shipped_fixtures,
        key="vo-attention-new-in-a-release",
        question=["customer-onboarding", "v0", "VO", "VO-2"],
    )
    out = io.StringIO()

    call_command("install_model", stdout=out)

    added = model_v0.recommendations.get(key="vo-attention-new-in-a-release")
    assert added.question == Question.objects.get(dimension__model=model_v0, code="VO-2")
    assert added.band == Band.objects.get(model=model_v0, min_total=5)
    assert [row for row in snapshot(model_v0) if row[1] != added.key] == before
    assert "Added 1 recommendations from recommendations_v0.json." in out.getvalue()
    assert [h.history_change_reason for h in added.history.all()] == [BASELINE_REASON]


def test_a_library_entry_pointing_outside_its_dimension_is_refused_and_nothing_added(
    model_v0, shipped_fixtures
):
    before = snapshot(model_v0)
    add_to_library(shipped_fixtures, key="vo-attention-good-one")
    add_to_library(
        shipped_fixtures,
        key="vo-attention-stray-question",
        question=["customer-onboarding", "v0", "CX", "CX-1"],  # not a VO question
    )
    with pytest.raises(CommandError, match="vo-attention-stray-question"):
        call_command("install_model", verbosity=0, stdout=io.StringIO())
    assert snapshot(model_v0) == before


def test_installing_into_an_empty_database_loads_the_library_with_its_history(db):
    MaturityModel.objects.all().delete()  # the test database comes with v0 installed
    assert not Recommendation.objects.exists()
    out = io.StringIO()

    call_command("install_model", stdout=out)

    model = MaturityModel.objects.get_by_natural_key("customer-onboarding", "v0")
    assert model.recommendations.count() == len(library_records())
    assert "Installed model customer-onboarding v0 from model_v0.json." in out.getvalue()
    reasons = set(
        Recommendation.history.filter(model_id=model.pk).values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == {BASELINE_REASON}


# --- Versioned with the model ----------------------------------------------------------------


def test_duplicating_a_version_copies_its_recommendations_onto_the_copy(model_v0):
    v1 = model_version_duplicate(source=model_v0)

    def described(model):
        return sorted(
            (r.key, r.dimension.code, r.band.min_total, r.question.code if r.question else None)
            + (r.title, r.detail, r.order)
            for r in model.recommendations.select_related("dimension", "band", "question")
        )

    assert described(v1) == described(model_v0)
    copies = v1.recommendations.select_related("dimension", "band", "question")
    for r in copies:
        assert r.dimension.model_id == v1.pk and r.band.model_id == v1.pk, r.key
        assert r.question is None or r.question.dimension_id == r.dimension_id, r.key
    assert not copies.filter(pk__in=model_v0.recommendations.values("pk")).exists()


def test_editing_the_copy_leaves_the_original_alone(model_v0):
    v1 = model_version_duplicate(source=model_v0)
    v1.recommendations.filter(key="ao-improve-onboarding-tracks").update(title="Changed in v1")
    original = model_v0.recommendations.get(key="ao-improve-onboarding-tracks")
    assert original.title == "Define two or three onboarding tracks for different kinds of customer"


def test_the_admin_duplicate_action_brings_the_library_along(admin_client, model_v0):
    admin_client.post(
        reverse("admin:catalogue_maturitymodel_changelist"),
        {"action": "duplicate_as_draft", "_selected_action": [model_v0.pk]},
    )
    v1 = MaturityModel.objects.get_by_natural_key("customer-onboarding", "v1")
    assert v1.recommendations.count() == model_v0.recommendations.count()


# --- Admin -----------------------------------------------------------------------------------


@pytest.fixture
def plan_rows(submitted_assessment, lead_a):
    """One row of each improvement-loop table, so their lists have something to show."""
    team = submitted_assessment.team
    DimensionTarget.objects.create(
        team=team, dimension_code="VO", target_total=15, right_for_stage=True, stage_reason="Early"
    )
    Action.objects.create(
        assessment=submitted_assessment,
        title="Share a plan",
        owner=lead_a,
        due_date=datetime.date(2026, 11, 30),
        recommendation=Recommendation.objects.get_by_natural_key(
            "customer-onboarding", "v0", "cx-attention-shared-plan"
        ),
    )
    OutcomeMetrics.objects.create(team=team, year=2026, quarter=3, csat="4.20", nps=35)
    ReminderSent.objects.create(kind="assessment-due", key="enterprise-2026-Q4", recipient="a@b.c")
    return team


ADMIN_LISTS = [
    "catalogue_recommendation",
    "assessments_dimensiontarget",
    "assessments_action",
    "assessments_outcomemetrics",
    "assessments_remindersent",
]


@pytest.mark.parametrize("name", ADMIN_LISTS)
def test_admin_lists_and_change_pages_answer_for_a_superuser(admin_client, plan_rows, name):
    page = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert page.status_code == 200
    first = page.context["cl"].result_list[0]
    assert admin_client.get(reverse(f"admin:{name}_change", args=[first.pk])).status_code == 200


@pytest.mark.parametrize("name", ADMIN_LISTS)
def test_admin_lists_filter_by_their_filters(admin_client, plan_rows, name):
    page = admin_client.get(reverse(f"admin:{name}_changelist"))
    for spec in page.context["cl"].filter_specs:
        for choice in spec.choices(page.context["cl"]):
            query = choice["query_string"]
            assert admin_client.get(reverse(f"admin:{name}_changelist") + query).status_code == 200


def test_the_assessment_page_shows_its_plan_read_only(
    admin_client, plan_rows, submitted_assessment
):
    page = admin_client.get(
        reverse("admin:assessments_assessment_change", args=[submitted_assessment.pk])
    )
    assert "Share a plan" in page.content.decode()
    assert "theme_dimension" in page.context["adminform"].readonly_fields


@pytest.mark.parametrize(
    "name", ["assessments_dimensiontarget", "assessments_action", "assessments_outcomemetrics"]
)
def test_plan_rows_are_not_added_or_edited_in_admin(admin_client, plan_rows, name):
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403
    changelist = admin_client.get(reverse(f"admin:{name}_changelist"))
    row = changelist.context["cl"].result_list[0]
    page = admin_client.get(reverse(f"admin:{name}_change", args=[row.pk]))
    assert page.context["adminform"].form.fields == {}  # every field is shown read-only


def test_outcome_figures_cannot_be_changed_by_posting_to_admin(admin_client, plan_rows):
    metrics = OutcomeMetrics.objects.get(team=plan_rows)
    url = reverse("admin:assessments_outcomemetrics_change", args=[metrics.pk])
    admin_client.post(url, {**change_form_data(admin_client.get(url)), "nps": "50"})
    metrics.refresh_from_db()
    assert metrics.nps == 35


def test_sent_reminders_are_read_only(admin_client, plan_rows):
    reminder = ReminderSent.objects.get()
    assert admin_client.get(reverse("admin:assessments_remindersent_add")).status_code == 403
    delete = reverse("admin:assessments_remindersent_delete", args=[reminder.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:assessments_remindersent_change", args=[reminder.pk])
    admin_client.post(change, {"recipient": "someone@else.example"})
    assert ReminderSent.objects.get().recipient == "a@b.c"


def test_recommendations_stay_editable_on_a_frozen_version(admin_client, submitted_assessment):
    model = submitted_assessment.model
    assert model.is_structure_frozen
    recommendation = model.recommendations.get(key="vo-improve-30-60-90-targets")
    url = reverse("admin:catalogue_recommendation_change", args=[recommendation.pk])
    page = admin_client.get(url)
    assert {"model", "key"} <= set(page.context["adminform"].readonly_fields)
    data = {**change_form_data(page), "title": "Agree value targets for day 30, 60 and 90"}

    assert admin_client.post(url, data).status_code == 302

    recommendation.refresh_from_db()
    assert recommendation.title == "Agree value targets for day 30, 60 and 90"
    assert recommendation.history.first().history_user.username == "admin"


def test_a_recommendation_is_offered_only_its_own_version_parts(admin_client, model_v0):
    v1 = model_version_duplicate(source=model_v0)
    recommendation = model_v0.recommendations.get(key="vo-improve-30-60-90-targets")
    url = reverse("admin:catalogue_recommendation_change", args=[recommendation.pk])
    page = admin_client.get(url)
    data = change_form_data(page)
    data["band"] = Band.objects.get(model=v1, min_total=11).pk

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "band" in response.context["adminform"].form.errors
    recommendation.refresh_from_db()
    assert recommendation.band.model_id == model_v0.pk


def test_adding_a_recommendation_whose_question_is_outside_its_dimension_is_refused(
    admin_client, model_v0
):
    data = {
        "model": model_v0.pk,
        "key": "vo-improve-stray",
        "dimension": Dimension.objects.get(model=model_v0, code="VO").pk,
        "band": Band.objects.get(model=model_v0, min_total=11).pk,
        "question": Question.objects.get(dimension__model=model_v0, code="CX-2").pk,
        "title": "A stray recommendation",
        "detail": "",
        "order": 1,
    }
    response = admin_client.post(reverse("admin:catalogue_recommendation_add"), data)

    assert response.status_code == 200
    assert "question" in response.context["adminform"].form.errors
    assert not Recommendation.objects.filter(key="vo-improve-stray").exists()

    data["question"] = Question.objects.get(dimension__model=model_v0, code="VO-4").pk
    assert admin_client.post(reverse("admin:catalogue_recommendation_add"), data).status_code == 302
    assert Recommendation.objects.get(key="vo-improve-stray").question.code == "VO-4"


def test_the_recommendation_list_filters_by_dimension_and_band(admin_client, model_v0):
    url = reverse("admin:catalogue_recommendation_changelist")
    page = admin_client.get(url, {"dimension": "CX", "band": "19"})
    shown = list(page.context["cl"].result_list)
    assert len(shown) >= 2
    assert {(r.dimension.code, r.band.label) for r in shown} == {("CX", "Excellent")}


def test_the_recommendation_list_makes_no_query_per_row(admin_client, model_v0):
    url = reverse("admin:catalogue_recommendation_changelist")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one_version:
        assert admin_client.get(url).status_code == 200
    model_version_duplicate(source=model_v0)
    with CaptureQueriesContext(connection) as two_versions:
        assert admin_client.get(url).status_code == 200
    assert len(two_versions) == len(one_version)
