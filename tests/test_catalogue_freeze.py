"""The structure freeze, held by the catalogue's services whoever calls them (not only admin)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from catalogue import services
from catalogue.models import Band, Dimension, MaturityModel, Question, ScaleLevel
from catalogue.services import (
    StructureFrozen,
    model_version_duplicate,
    model_version_mark_in_use,
    structure_part_delete,
    structure_part_save,
)
from tests.admin_forms import change_form_data
from tests.conftest import fill


@pytest.fixture
def draft_version(model_v0) -> MaturityModel:
    return model_version_duplicate(source=model_v0)


def vo_dimension(model) -> Dimension:
    return Dimension.objects.get(model=model, code="VO")


def test_a_draft_version_is_open_and_a_published_one_frozen(model_v0, draft_version):
    assert model_v0.is_structure_frozen and not draft_version.is_structure_frozen
    assert list(MaturityModel.objects.frozen()) == [model_v0]
    assert list(MaturityModel.objects.open_for_structure_changes()) == [draft_version]


def test_a_submission_against_a_draft_version_freezes_it(draft_version, team_a, lead_a):
    assessment, _ = assessment_start(
        team=team_a, period=Quarter(2026, 1), user=lead_a, model=draft_version
    )
    fill(assessment, 3)
    assert not MaturityModel.objects.get(pk=draft_version.pk).is_structure_frozen
    assessment_submit(assessment=assessment, user=lead_a)
    frozen = MaturityModel.objects.get(pk=draft_version.pk)
    assert frozen.in_use_since is not None and frozen.is_structure_frozen
    with pytest.raises(StructureFrozen):
        structure_part_save(part=Question(dimension=vo_dimension(frozen), code="VO-6", order=6))


@pytest.mark.parametrize(
    "new_part",
    [
        lambda m: Question(dimension=vo_dimension(m), code="VO-6", order=6, text="New?"),
        lambda m: Dimension(model=m, code="XX", order=9, name="Extra"),
        lambda m: Band(model=m, min_total=26, max_total=30, label="Beyond", tone="good"),
    ],
    ids=["question", "dimension", "band"],
)
def test_nothing_can_be_added_to_a_frozen_version(model_v0, new_part):
    counts = (Question.objects.count(), Dimension.objects.count(), Band.objects.count())
    with pytest.raises(StructureFrozen, match="Duplicate it as a new draft version"):
        structure_part_save(part=new_part(model_v0))
    assert (Question.objects.count(), Dimension.objects.count(), Band.objects.count()) == counts


@pytest.mark.parametrize("status", ["draft", "published", "retired"])
@pytest.mark.parametrize("in_use", [False, True])
def test_the_frozen_queryset_and_the_model_property_agree(model_v0, status, in_use):
    version = model_version_duplicate(source=model_v0)
    MaturityModel.objects.filter(pk=version.pk).update(
        status=status, in_use_since=timezone.now() if in_use else None
    )
    version.refresh_from_db()
    expected = status != "draft" or in_use
    assert version.is_structure_frozen is expected
    assert MaturityModel.objects.frozen().filter(pk=version.pk).exists() is expected
    assert MaturityModel.objects.open_for_structure_changes().filter(pk=version.pk).exists() is (
        not expected
    )


def test_saving_an_older_copy_of_a_version_never_unfreezes_it(draft_version):
    older = MaturityModel.objects.get(pk=draft_version.pk)  # read before the first submission
    model_version_mark_in_use(model=draft_version)
    structure_part_save(part=older)  # e.g. admin saving the page it loaded earlier
    assert MaturityModel.objects.get(pk=draft_version.pk).in_use_since is not None


def test_parts_can_be_added_to_a_draft_version(draft_version):
    structure_part_save(part=Question(dimension=vo_dimension(draft_version), code="VO-6", order=6))
    assert Question.objects.filter(dimension__model=draft_version).count() == 21


@pytest.mark.parametrize(
    "lookup, field, value",
    [
        (lambda m: Question.objects.get(dimension__model=m, code="VO-1"), "code", "VO-9"),
        (lambda m: Question.objects.get(dimension__model=m, code="VO-1"), "order", 7),
        (lambda m: Dimension.objects.get(model=m, code="CX"), "name", "Delivery"),
        (lambda m: Band.objects.get(model=m, min_total=5), "max_total", 9),
        (lambda m: Band.objects.get(model=m, min_total=5), "label", "Urgent"),
        (lambda m: ScaleLevel.objects.get(model=m, value=3), "value", 4),
        (lambda m: m, "title", "Renamed model"),
    ],
    ids=[
        "question-code",
        "question-order",
        "dimension-name",
        "band-max",
        "band-label",
        "scale-value",
        "model-title",
    ],
)
def test_structural_fields_of_a_frozen_version_cannot_change(model_v0, lookup, field, value):
    part = lookup(model_v0)
    stored = getattr(type(part).objects.get(pk=part.pk), field)
    setattr(part, field, value)
    with pytest.raises(StructureFrozen):
        structure_part_save(part=part)
    assert getattr(type(part).objects.get(pk=part.pk), field) == stored


def test_a_question_cannot_move_into_a_frozen_version(model_v0, draft_version):
    question = Question.objects.get(dimension__model=draft_version, code="VO-1")
    question.dimension = Dimension.objects.get(model=model_v0, code="CX")
    with pytest.raises(StructureFrozen):
        structure_part_save(part=question)
    assert Question.objects.get(pk=question.pk).dimension.model == draft_version


def test_wording_guidance_and_legend_stay_editable_on_a_frozen_version(model_v0):
    question = Question.objects.get(dimension__model=model_v0, code="VO-1")
    question.text, question.guidance = "Reworded?", "New guidance."
    structure_part_save(part=question)
    level = ScaleLevel.objects.get(model=model_v0, value=3)
    level.label = "Written down"
    structure_part_save(part=level)
    dimension = vo_dimension(model_v0)
    dimension.description = "A clearer description."
    structure_part_save(part=dimension)
    assert Question.objects.get(pk=question.pk).text == "Reworded?"
    assert ScaleLevel.objects.get(pk=level.pk).label == "Written down"


@pytest.mark.parametrize(
    "lookup",
    [
        lambda m: Question.objects.get(dimension__model=m, code="MP-5"),
        lambda m: Dimension.objects.get(model=m, code="MP"),
        lambda m: Band.objects.get(model=m, min_total=19),
        lambda m: ScaleLevel.objects.get(model=m, value=5),
    ],
    ids=["question", "dimension", "band", "scale"],
)
def test_nothing_can_be_removed_from_a_frozen_version(model_v0, lookup):
    part = lookup(model_v0)
    with pytest.raises(StructureFrozen):
        structure_part_delete(part=part)
    assert type(part).objects.filter(pk=part.pk).exists()


def test_parts_of_a_draft_version_can_be_removed(draft_version):
    structure_part_delete(part=Question.objects.get(dimension__model=draft_version, code="MP-5"))
    assert not Question.objects.filter(dimension__model=draft_version, code="MP-5").exists()


def adding_a_question(client, model) -> tuple[str, dict]:
    """The admin's VO dimension page of `model`, and a POST that adds VO-6 to it."""
    dimension = vo_dimension(model)
    url = reverse("admin:catalogue_dimension_change", args=[dimension.pk])
    data = change_form_data(client.get(url))
    total = int(data["questions-TOTAL_FORMS"])
    data.update(
        {
            "questions-TOTAL_FORMS": total + 1,
            f"questions-{total}-order": 6,
            f"questions-{total}-code": "VO-6",
            f"questions-{total}-text": "Added late?",
            f"questions-{total}-dimension": dimension.pk,
        }
    )
    return url, data


def test_a_submission_landing_while_admin_saves_a_draft_stops_the_new_question(
    client, admin_user, draft_version
):
    """Admin checked the version was open; a first submission lands just before each save
    reaches the service, which refuses under its lock; admin says nothing was saved."""
    client.force_login(admin_user)
    url, data = adding_a_question(client, draft_version)
    real_save = services.structure_part_save

    def submission_lands_first(*, part):
        model_version_mark_in_use(model=draft_version)
        return real_save(part=part)

    with mock.patch.object(services, "structure_part_save", side_effect=submission_lands_first):
        response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and messages[0].startswith("Nothing was saved: ")
    assert "is frozen (published or in use)" in messages[0]
    assert not Question.objects.filter(dimension__model=draft_version, code="VO-6").exists()


def test_admin_saves_go_through_the_service_and_a_refusal_saves_nothing(
    client, admin_user, draft_version
):
    client.force_login(admin_user)
    url, data = adding_a_question(client, draft_version)
    data["description"] = "Changed together with the refused question."
    real_save = services.structure_part_save

    def refuse_questions(*, part):
        if isinstance(part, Question):
            raise StructureFrozen("v1 is frozen (published or in use)")
        return real_save(part=part)  # the dimension's own change is saved first...

    with mock.patch.object(services, "structure_part_save", side_effect=refuse_questions) as save:
        response = client.post(url, data)
    assert save.call_count == 2
    assert response.status_code == 302 and response["Location"] == url
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Nothing was saved: v1 is frozen (published or in use)"]
    assert not Question.objects.filter(dimension__model=draft_version, code="VO-6").exists()
    # ...and rolled back with the refused question: nothing of the post is kept.
    assert vo_dimension(draft_version).description != data["description"]


def test_the_admin_version_list_makes_no_query_per_row(client, admin_user, model_v0):
    client.force_login(admin_user)
    url = reverse("admin:catalogue_maturitymodel_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(4):
        model_version_duplicate(source=model_v0)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url)
    assert page.content.decode().count("Editable (draft)") == 4
    assert len(five) == len(one)
