"""Issue 14, part 5, below the browser: the wizard's answer counts, the review's Submit, a second
submit, and questions in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Answer
from assessments.periods import Quarter
from assessments.services import answers_save, assessment_start
from assessments.wizard import StepEntry, WizardSteps, answered_percent
from catalogue.models import MaturityModel, Question
from catalogue.services import model_version_duplicate
from tests.admin_forms import change_form_data
from tests.conftest import fill, questions_of

# --- Pure: the step list and the progress bar -------------------------------------------------


def test_progress_never_reads_100_percent_with_a_question_open():
    assert answered_percent(0, 20) == 0
    assert answered_percent(5, 20) == 25
    assert answered_percent(199, 200) == 99
    assert answered_percent(20, 20) == 100
    assert answered_percent(0, 0) == 0


def test_the_step_list_counts_each_dimensions_answers():
    entries = WizardSteps(2).entries([("Value", 5, 5), ("CX", 2, 5)])
    assert entries == [
        StepEntry(1, 1, "Context"),
        StepEntry(2, 2, "Value", 5, 5),
        StepEntry(3, 3, "CX", 2, 5),
        StepEntry(4, 4, "Outcome figures"),
        StepEntry(5, 5, "Review and submit"),
    ]
    assert entries[1].complete and not entries[2].complete and not entries[0].complete


def test_a_respondents_step_list_starts_at_the_first_dimension():
    entries = WizardSteps(2, respondent=True).entries([("Value", 0, 5), ("CX", 5, 5)])
    assert [(e.number, e.position, e.title) for e in entries] == [
        (2, 1, "Value"),
        (3, 2, "CX"),
        (5, 3, "Review and submit"),
    ]


# --- The wizard's pages ------------------------------------------------------------------------


@pytest.fixture
def lead_client(client, lead_a):
    client.force_login(lead_a)
    return client


@pytest.fixture
def draft(model_v0, team_a, lead_a):
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


def step_url(assessment, step: int) -> str:
    return reverse("assessments:step", args=[assessment.pk, step])


def test_the_review_counts_answered_questions_not_steps(lead_client, draft, model_v0):
    vo = {q: (3, "") for q in questions_of(model_v0) if q.dimension.code == "VO"}
    answers_save(assessment=draft, answers=vo)
    html = lead_client.get(step_url(draft, 7)).content.decode()
    assert "5 of 20 questions answered" in html
    assert 'aria-valuenow="25"' in html and 'aria-valuenow="100"' not in html
    assert "(all answered)" in html and "(0 of 5 answered)" in html


def test_submit_is_disabled_while_answers_are_missing_and_says_why(lead_client, draft):
    fill(draft, 3)
    Answer.objects.filter(assessment=draft, question__code="MP-5").delete()
    html = lead_client.get(step_url(draft, 7)).content.decode()
    assert 'disabled aria-describedby="submit-why">Submit assessment' in html
    assert "Submit becomes available once every question is answered: 1 still open" in html
    assert "data-focus-on-load" not in html  # only after a refused submit


def test_submit_is_enabled_once_every_question_is_answered(lead_client, draft):
    fill(draft, 3)
    html = lead_client.get(step_url(draft, 7)).content.decode()
    assert '<button type="submit" class="btn btn-primary">Submit assessment</button>' in html
    assert "submit-why" not in html


def test_wizard_pages_are_never_stored_so_back_asks_again(lead_client, draft):
    response = lead_client.get(step_url(draft, 7))
    assert "no-store" in response["Cache-Control"]


def test_a_second_submit_by_the_same_lead_lands_calmly_on_the_report(lead_client, draft):
    fill(draft, 4)
    submit = reverse("assessments:submit", args=[draft.pk])
    lead_client.post(submit)
    second = lead_client.post(submit, follow=True)
    assert second.redirect_chain[-1][0] == reverse("assessments:report", args=[draft.pk])
    html = second.content.decode()
    assert "This assessment has already been submitted, by you on" in html
    assert "Here is its report." in html and "alert-danger" not in html


def test_a_submit_after_a_colleagues_names_who_submitted(client, draft, lead_a, team_a):
    from tests.conftest import make_user

    colleague = make_user("co_lead", first_name="Cory", last_name="Colead")
    team_a.leads.add(colleague)
    fill(draft, 4)
    submit = reverse("assessments:submit", args=[draft.pk])
    client.force_login(lead_a)
    client.post(submit)
    client.force_login(colleague)
    html = client.post(submit, follow=True).content.decode()
    assert "already been submitted, by Alex Lead on" in html and "nothing was changed" in html


# --- Questions in the admin ----------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_admin_index_lists_questions(admin_client, model_v0):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:catalogue_question_changelist") in html


@pytest.mark.parametrize("term", ["CX-4", "milestones"])
def test_questions_are_found_by_code_or_wording(admin_client, model_v0, term):
    page = admin_client.get(reverse("admin:catalogue_question_changelist"), {"q": term})
    found = {q.code for q in page.context["cl"].result_list}
    assert "CX-4" in found


def test_questions_filter_by_version_and_dimension(admin_client, model_v0):
    draft = model_version_duplicate(source=model_v0)
    changelist = reverse("admin:catalogue_question_changelist")
    page = admin_client.get(
        changelist, {"dimension__model__id__exact": draft.pk, "dimension": "AO"}
    )
    found = list(page.context["cl"].result_list)
    assert len(found) == 5 and {q.dimension.model_id for q in found} == {draft.pk}


def test_a_frozen_versions_question_keeps_its_structure(admin_client, submitted_assessment):
    question = Question.objects.get(dimension__model=submitted_assessment.model, code="CX-4")
    url = reverse("admin:catalogue_question_change", args=[question.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    assert set(form.fields) == {"text", "guidance"}
    assert not page.context["has_delete_permission"]

    # What the page sends (its translations' management form too), with the edits, and
    # structural fields it does not render.
    data = change_form_data(page)
    data.update({"text": "Reworded?", "guidance": "New guidance.", "code": "CX-9", "order": 9})
    response = admin_client.post(url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.guidance) == ("Reworded?", "New guidance.")
    assert (question.code, question.order) == ("CX-4", 4)
    delete = reverse("admin:catalogue_question_delete", args=[question.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_a_draft_versions_question_is_edited_through_the_services(admin_client, model_v0):
    draft = model_version_duplicate(source=model_v0)
    question = Question.objects.get(dimension__model=draft, code="CX-4")
    url = reverse("admin:catalogue_question_change", args=[question.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    assert {"dimension", "code", "order", "text"} <= set(form.fields)
    assert set(form.fields["dimension"].queryset.values_list("model_id", flat=True)) == {draft.pk}
    data = change_form_data(page)
    data.update({"order": 6, "code": "CX-6"})
    assert admin_client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert (question.code, question.order) == ("CX-6", 6)
    assert (
        MaturityModel.objects.get(pk=model_v0.pk)
        .dimensions.get(code="CX")
        .questions.filter(code="CX-4")
        .exists()
    )
