"""Admin: wording stays editable; structure freezes once a version has submitted assessments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.models import Band, Dimension, MaturityModel, Question, ScaleLevel
from catalogue.selectors import latest_published_model
from catalogue.services import (
    ModelVersionError,
    model_version_duplicate,
    model_version_publish,
)
from tests.admin_forms import change_form_data
from tests.conftest import fill, make_user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def model_url(model):
    return reverse("admin:catalogue_maturitymodel_change", args=[model.pk])


def dimension_url(model, code):
    dimension = Dimension.objects.get(model=model, code=code)
    return reverse("admin:catalogue_dimension_change", args=[dimension.pk])


def inline(response, model_class):
    formsets = response.context["inline_admin_formsets"]
    return next(i for i in formsets if i.formset.model is model_class)


def question_prefix(page, code):
    formset = inline(page, Question).formset
    form = next(f for f in formset.forms if f.instance.code == code)
    return form.prefix


@pytest.fixture
def draft_version(model_v0) -> MaturityModel:
    return model_version_duplicate(source=model_v0)


def test_a_draft_version_allows_structural_edits(admin_client, draft_version):
    questions = inline(admin_client.get(dimension_url(draft_version, "VO")), Question)
    assert questions.has_add_permission and questions.has_delete_permission
    assert {"code", "order", "text"} <= set(questions.formset.forms[0].fields)
    bands = inline(admin_client.get(model_url(draft_version)), Band)
    assert bands.has_add_permission and "min_total" not in bands.readonly_fields


def test_a_published_version_is_frozen_before_anyone_submits(admin_client, model_v0):
    assert not Assessment.objects.exists()
    questions = inline(admin_client.get(dimension_url(model_v0, "VO")), Question)
    assert not questions.has_add_permission and not questions.has_delete_permission
    assert {"order", "code"} <= set(questions.readonly_fields)


def test_frozen_version_offers_no_add_or_delete_and_structure_is_read_only(
    admin_client, submitted_assessment
):
    page = admin_client.get(model_url(submitted_assessment.model))
    dims, bands, scale = inline(page, Dimension), inline(page, Band), inline(page, ScaleLevel)
    for formset in (dims, bands, scale):
        assert not formset.has_add_permission and not formset.has_delete_permission
    assert {"order", "code"} <= set(dims.readonly_fields)
    assert {"min_total", "max_total", "label", "tone"} <= set(bands.readonly_fields)
    assert "value" in scale.readonly_fields and "label" in scale.formset.forms[0].fields

    questions = inline(admin_client.get(dimension_url(submitted_assessment.model, "CX")), Question)
    assert not questions.has_add_permission and not questions.has_delete_permission
    assert {"order", "code"} <= set(questions.readonly_fields)
    assert {"text", "guidance"} <= set(questions.formset.forms[0].fields)


def test_frozen_version_ignores_a_posted_new_question_reorder_or_delete(
    admin_client, submitted_assessment
):
    url = dimension_url(submitted_assessment.model, "CX")
    page = admin_client.get(url)
    data = change_form_data(page)
    prefix = question_prefix(page, "CX-1")
    formset_prefix = prefix.rsplit("-", 1)[0]
    data[f"{prefix}-order"] = 9
    data[f"{prefix}-DELETE"] = "on"
    data[f"{formset_prefix}-TOTAL_FORMS"] = 6
    data[f"{formset_prefix}-5-code"] = "CX-6"
    data[f"{formset_prefix}-5-order"] = 6
    data[f"{formset_prefix}-5-text"] = "A smuggled sixth question?"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    cx = Question.objects.filter(dimension__model=submitted_assessment.model, dimension__code="CX")
    assert sorted(cx.values_list("code", "order")) == [(f"CX-{n}", n) for n in range(1, 6)]


def test_frozen_version_refuses_deleting_a_dimension(admin_client, submitted_assessment):
    dimension = Dimension.objects.get(model=submitted_assessment.model, code="AO")
    url = reverse("admin:catalogue_dimension_delete", args=[dimension.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Dimension.objects.filter(pk=dimension.pk).exists()


def test_wording_edits_save_but_submitted_answers_keep_the_text_as_asked(
    admin_client, submitted_assessment, team_b, lead_b
):
    model = submitted_assessment.model
    original = Question.objects.get(dimension__model=model, code="CX-1").text
    url = dimension_url(model, "CX")
    page = admin_client.get(url)
    data = change_form_data(page)
    prefix = question_prefix(page, "CX-1")
    data[f"{prefix}-text"] = "Is the onboarding plan shared with customers, with live status?"
    data[f"{prefix}-guidance"] = "Reworded guidance."

    assert admin_client.post(url, data).status_code == 302

    question = Question.objects.get(dimension__model=model, code="CX-1")
    assert question.text == "Is the onboarding plan shared with customers, with live status?"
    assert question.guidance == "Reworded guidance."
    answer = Answer.objects.get(assessment=submitted_assessment, question=question)
    assert answer.question_text == original
    assert answer.asked_text == original
    # A new assessment asks the new wording.
    draft, _ = assessment_start(team=team_b, period=Quarter(2026, 4), user=lead_b)
    fill(draft, 4)
    assert Answer.objects.get(assessment=draft, question=question).asked_text == question.text


def test_scale_labels_stay_editable_on_a_frozen_version(admin_client, submitted_assessment):
    url = model_url(submitted_assessment.model)
    page = admin_client.get(url)
    data = change_form_data(page)
    formset = inline(page, ScaleLevel).formset
    form = next(f for f in formset.forms if f.instance.value == 1)
    data[f"{form.prefix}-label"] = "Missing"
    data[f"{inline(page, Band).formset.forms[0].prefix}-label"] = "Renamed band"

    assert admin_client.post(url, data).status_code == 302

    assert ScaleLevel.objects.get(model=submitted_assessment.model, value=1).label == "Missing"
    assert Band.objects.get(model=submitted_assessment.model, min_total=5).label == (
        "Needs immediate attention"
    )


def test_names_past_reports_print_are_fixed_on_a_frozen_version(admin_client, submitted_assessment):
    model = submitted_assessment.model
    url = model_url(model)
    page = admin_client.get(url)
    data = change_form_data(page)
    data["title"], data["source_credit"] = "Renamed model", "Someone else"
    data[f"{inline(page, Dimension).formset.forms[0].prefix}-name"] = "Renamed dimension"
    assert admin_client.post(url, data).status_code == 302

    dimension_page = admin_client.get(dimension_url(model, "VO"))
    dimension_data = change_form_data(dimension_page)
    dimension_data["name"] = "Renamed dimension"
    assert admin_client.post(dimension_url(model, "VO"), dimension_data).status_code == 302

    model.refresh_from_db()
    assert (model.title, model.source_credit) == (
        "Customer Onboarding Maturity Model",
        "Customer Onboarding Maturity Model v0, Rocketlane",
    )
    assert Dimension.objects.get(model=model, code="VO").name == "Value Orientation"


def test_dimensions_are_added_only_while_a_version_is_open(admin_client, model_v0):
    add_url = reverse("admin:catalogue_dimension_add")
    changelist = reverse("admin:catalogue_dimension_changelist")
    assert admin_client.get(add_url).status_code == 403  # v0 is published: nowhere to add
    assert add_url not in admin_client.get(changelist).content.decode()
    draft = model_version_duplicate(source=model_v0)
    page = admin_client.get(add_url)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["model"].queryset) == [draft]


def test_dimensions_have_no_bulk_delete(admin_client, model_v0):
    page = admin_client.get(reverse("admin:catalogue_dimension_changelist"))
    assert "delete_selected" not in page.content.decode()


def test_a_draft_version_can_be_renamed(admin_client, draft_version):
    url = dimension_url(draft_version, "VO")
    data = change_form_data(admin_client.get(url))
    data["name"] = "Value and outcomes"
    assert admin_client.post(url, data).status_code == 302
    assert Dimension.objects.get(model=draft_version, code="VO").name == "Value and outcomes"


def test_duplicate_action_makes_an_open_draft_copy(admin_client, submitted_assessment):
    v0 = submitted_assessment.model
    response = admin_client.post(
        reverse("admin:catalogue_maturitymodel_changelist"),
        {"action": "duplicate_as_draft", "_selected_action": [v0.pk]},
        follow=True,
    )
    assert "Created draft v1 from v0" in response.content.decode()
    v1 = MaturityModel.objects.get(code=v0.code, version="v1")
    assert v1.status == MaturityModel.Status.DRAFT
    assert not v1.is_structure_frozen
    assert Question.objects.filter(dimension__model=v1).count() == 20
    assert list(v1.bands.values_list("min_total", "max_total", "label")) == list(
        v0.bands.values_list("min_total", "max_total", "label")
    )
    assert v1.scale.count() == 5
    assert Question.objects.filter(dimension__model=v0).count() == 20
    questions = inline(admin_client.get(dimension_url(v1, "VO")), Question)
    assert questions.has_add_permission


def test_duplicating_twice_takes_the_next_free_version(admin_client, model_v0):
    changelist = reverse("admin:catalogue_maturitymodel_changelist")
    for _ in range(2):
        admin_client.post(
            changelist, {"action": "duplicate_as_draft", "_selected_action": [model_v0.pk]}
        )
    assert sorted(MaturityModel.objects.values_list("version", flat=True)) == ["v0", "v1", "v2"]


def test_publishing_a_draft_makes_it_the_version_new_assessments_use(admin_client, model_v0):
    changelist = reverse("admin:catalogue_maturitymodel_changelist")
    admin_client.post(
        changelist, {"action": "duplicate_as_draft", "_selected_action": [model_v0.pk]}
    )
    v1 = MaturityModel.objects.get(version="v1")
    assert latest_published_model() == model_v0

    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [v1.pk]}, follow=True
    )

    assert "Published" in response.content.decode()
    v1.refresh_from_db()
    assert v1.status == MaturityModel.Status.PUBLISHED and v1.published_at is not None
    assert latest_published_model() == v1


def test_publishing_a_version_whose_bands_leave_a_gap_is_refused(admin_client, model_v0):
    changelist = reverse("admin:catalogue_maturitymodel_changelist")
    admin_client.post(
        changelist, {"action": "duplicate_as_draft", "_selected_action": [model_v0.pk]}
    )
    v1 = MaturityModel.objects.get(version="v1")
    Band.objects.filter(model=v1, min_total=11).update(min_total=12)

    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [v1.pk]}, follow=True
    )

    assert "total of 11 falls in 0 bands" in response.content.decode()
    v1.refresh_from_db()
    assert v1.status == MaturityModel.Status.DRAFT


def test_deleting_a_question_that_has_answers_is_refused_with_a_message(
    admin_client, draft_version, team_a, lead_a
):
    # Only reachable by hand (drafts start on published versions): the database still refuses.
    draft = Assessment.objects.create(team=team_a, year=2026, quarter=4, model=draft_version)
    Answer.objects.bulk_create(
        Answer(assessment=draft, question=q, score=2)
        for q in Question.objects.filter(dimension__model=draft_version)
    )
    dimension = Dimension.objects.get(model=draft_version, code="VO")
    url = reverse("admin:catalogue_dimension_delete", args=[dimension.pk])

    page = admin_client.get(url)
    assert "would require deleting the following protected related objects" in page.content.decode()
    admin_client.post(url, {"post": "yes"})

    assert Dimension.objects.filter(pk=dimension.pk).exists()
    assert Answer.objects.filter(assessment=draft).count() == 20


def test_model_list_says_which_versions_are_frozen(admin_client, submitted_assessment):
    model_version_duplicate(source=submitted_assessment.model)
    page = admin_client.get(reverse("admin:catalogue_maturitymodel_changelist"))
    assert "Frozen (in use)" in page.content.decode()
    assert "Editable (draft)" in page.content.decode()


def test_assessments_cannot_be_added_or_edited_in_admin(admin_client, submitted_assessment):
    assert admin_client.get(reverse("admin:assessments_assessment_add")).status_code == 403
    url = reverse("admin:assessments_assessment_change", args=[submitted_assessment.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    admin_client.post(url, {**change_form_data(page), "status": "draft", "year": 2020})
    submitted_assessment.refresh_from_db()
    assert (submitted_assessment.status, submitted_assessment.year) == (
        Assessment.Status.SUBMITTED,
        2026,
    )


def test_submitted_assessments_cannot_be_deleted_but_drafts_can(
    admin_client, submitted_assessment, team_b, lead_b
):
    url = reverse("admin:assessments_assessment_delete", args=[submitted_assessment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=submitted_assessment.pk).exists()
    changelist = admin_client.get(reverse("admin:assessments_assessment_changelist"))
    assert 'value="delete_selected"' not in changelist.content.decode()

    draft, _ = assessment_start(team=team_b, period=Quarter(2026, 4), user=lead_b)
    url = reverse("admin:assessments_assessment_delete", args=[draft.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Assessment.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("who", ["anonymous", "team lead"])
def test_admin_is_for_staff_only(client, model_v0, who):
    if who == "team lead":
        client.force_login(make_user("not_staff"))
    response = client.get(model_url(model_v0))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Publishing refuses a version that cannot score every answer ------------------------------


def status_in_db(version: MaturityModel) -> tuple[str, object]:
    return MaturityModel.objects.filter(pk=version.pk).values_list("status", "published_at").get()


@pytest.mark.parametrize("missing", [1, 3, 5])
def test_publishing_a_version_whose_scale_misses_a_level_is_refused(draft_version, missing):
    ScaleLevel.objects.filter(model=draft_version, value=missing).delete()
    with pytest.raises(ModelVersionError, match="the scale needs a label for each value 1 to 5"):
        model_version_publish(model=draft_version)
    assert status_in_db(draft_version) == (MaturityModel.Status.DRAFT, None)


def test_publishing_a_version_with_a_dimension_without_questions_is_refused(draft_version):
    Dimension.objects.create(model=draft_version, code="EX", order=5, name="Expansion")
    # A band from 0 lets an empty dimension's total of 0 pass the band check on its own.
    Band.objects.create(
        model=draft_version, min_total=0, max_total=4, label="None", tone="critical"
    )
    with pytest.raises(ModelVersionError, match="every dimension needs at least one question"):
        model_version_publish(model=draft_version)
    assert status_in_db(draft_version) == (MaturityModel.Status.DRAFT, None)


def test_publishing_a_version_without_dimensions_is_refused(draft_version):
    Dimension.objects.filter(model=draft_version).delete()
    with pytest.raises(ModelVersionError, match="every dimension needs at least one question"):
        model_version_publish(model=draft_version)
    assert status_in_db(draft_version) == (MaturityModel.Status.DRAFT, None)


def test_the_publish_action_reports_an_incomplete_scale_and_keeps_the_draft(
    admin_client, draft_version
):
    ScaleLevel.objects.filter(model=draft_version, value=3).delete()
    response = admin_client.post(
        reverse("admin:catalogue_maturitymodel_changelist"),
        {"action": "publish", "_selected_action": [draft_version.pk]},
        follow=True,
    )
    assert "the scale needs a label for each value 1 to 5" in response.content.decode()
    assert status_in_db(draft_version) == (MaturityModel.Status.DRAFT, None)
    assert latest_published_model().version == "v0"


def test_a_complete_draft_publishes(draft_version):
    model_version_publish(model=draft_version)
    status, published_at = status_in_db(draft_version)
    assert status == MaturityModel.Status.PUBLISHED and published_at is not None
