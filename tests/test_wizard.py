"""The quarterly wizard: drafts live in the database, bad input changes nothing."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import (
    AlreadySubmitted,
    AssessmentError,
    answers_save,
    assessment_start,
    assessment_submit,
)
from catalogue.models import MaturityModel, Question
from tests.conftest import fill, make_user


@pytest.fixture
def draft(model_v0, team_a, lead_a) -> Assessment:
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


@pytest.fixture
def lead_client(client, lead_a):
    client.force_login(lead_a)
    return client


def step_url(assessment, step):
    return reverse("assessments:step", kwargs={"pk": assessment.pk, "step": step})


def dimension_post(scores: dict[str, object], notes: dict[str, str] | None = None, nav="next"):
    data = {"nav": nav}
    data.update({code: str(score) for code, score in scores.items()})
    data.update({f"{code}-note": note for code, note in (notes or {}).items()})
    return data


def saved(assessment) -> dict[str, tuple[int | None, str]]:
    return {
        a.question.code: (a.score, a.note)
        for a in Answer.objects.filter(assessment=assessment).select_related("question")
    }


# --- Starting -------------------------------------------------------------------------------


def test_start_page_defaults_to_the_current_quarter(lead_client, model_v0, team_a):
    page = lead_client.get(reverse("assessments:new"))
    form = page.context["form"]
    from django.utils import timezone

    assert form["period"].value() == Quarter.containing(timezone.localdate()).key
    assert list(form.fields["team"].queryset) == [team_a]
    assert Quarter.containing(timezone.localdate()).label in page.content.decode()


def test_starting_creates_a_draft_on_the_latest_published_version(lead_client, model_v0, team_a):
    response = lead_client.post(reverse("assessments:new"), {"team": team_a.pk, "period": "2026Q4"})
    assessment = Assessment.objects.get(team=team_a, year=2026, quarter=4)
    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, 1)
    assert (assessment.status, assessment.model) == ("draft", model_v0)


def test_starting_again_continues_the_existing_draft(lead_client, draft, team_a):
    response = lead_client.post(reverse("assessments:new"), {"team": team_a.pk, "period": "2026Q4"})
    assert response["Location"] == step_url(draft, 1)
    assert Assessment.objects.filter(team=team_a).count() == 1


def test_starting_a_submitted_quarter_links_to_its_report(
    lead_client, submitted_assessment, team_a
):
    response = lead_client.post(
        reverse("assessments:new"), {"team": team_a.pk, "period": "2026Q3"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "assessments:report", args=[submitted_assessment.pk]
    )
    assert "already submitted its 2026 Q3 assessment" in response.content.decode()
    assert Assessment.objects.filter(team=team_a).count() == 1


def test_starting_for_a_team_you_cannot_see_is_a_404(lead_client, model_v0, team_b):
    response = lead_client.post(reverse("assessments:new"), {"team": team_b.pk, "period": "2026Q4"})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("period", ["2026Q5", "abc", ""])
def test_starting_with_a_bad_quarter_shows_an_error(lead_client, model_v0, team_a, period):
    response = lead_client.post(reverse("assessments:new"), {"team": team_a.pk, "period": period})
    assert response.status_code == 400
    assert response.context["form"].errors["period"]
    assert not Assessment.objects.exists()


def test_unique_constraint_backs_up_start_under_a_race(model_v0, team_a, lead_a):
    """A concurrent start that loses the insert race gets the other's draft, not an error."""
    first, created_first = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    second, created_second = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk


# --- Steps ----------------------------------------------------------------------------------


def test_each_step_shows_its_position(lead_client, draft):
    for step in range(1, 8):
        page = lead_client.get(step_url(draft, step))
        assert page.status_code == 200
        assert f"Step {step} of 7" in page.content.decode()


def test_a_dimension_step_shows_its_questions_legend_choices_and_guidance(lead_client, draft):
    html = lead_client.get(step_url(draft, 3)).content.decode()
    question = Question.objects.get(dimension__model=draft.model, code="CX-4")
    assert "<legend" in html and question.text in html
    assert "1 – Not in place" in html and "5 – Optimized" in html
    assert "<details" in html and question.guidance in html
    assert html.count('type="radio"') == 25


def test_steps_beyond_the_wizard_are_404(lead_client, draft):
    assert lead_client.get(step_url(draft, 8)).status_code == 404
    assert lead_client.get(step_url(draft, 0)).status_code == 404


def test_context_step_saves_and_moves_on(lead_client, draft):
    response = lead_client.post(
        step_url(draft, 1),
        {
            "company_stage": "growth",
            "customer_segment": "enterprise",
            "touch_model": "high",
            "onboarding_weeks": "6",
            "nav": "next",
        },
    )
    assert response["Location"] == step_url(draft, 2)
    draft.refresh_from_db()
    assert (draft.company_stage, draft.touch_model, draft.onboarding_weeks) == ("growth", "high", 6)


def test_the_touch_model_can_be_set_back_to_not_specified(lead_client, draft):
    lead_client.post(step_url(draft, 1), {"touch_model": "low", "nav": "save"})
    draft.refresh_from_db()
    assert draft.touch_model == "low"
    page = lead_client.get(step_url(draft, 1)).content.decode()
    assert 'value=""' in page and "Not specified" in page
    lead_client.post(step_url(draft, 1), {"touch_model": "", "nav": "save"})
    draft.refresh_from_db()
    assert draft.touch_model == ""


@pytest.mark.parametrize(
    ("touch", "weeks", "shown"), [("low", "8", True), ("high", "2", True), ("medium", "3", False)]
)
def test_low_touch_or_short_onboarding_shows_the_scope_note(
    lead_client, draft, touch, weeks, shown
):
    lead_client.post(
        step_url(draft, 1), {"touch_model": touch, "onboarding_weeks": weeks, "nav": "next"}
    )
    html = lead_client.get(step_url(draft, 2)).content.decode()
    assert ("medium to high touch onboarding" in html) is shown
    assert 'name="VO-1"' in html  # they can still carry on


def test_dimension_step_saves_scores_and_notes(lead_client, draft):
    response = lead_client.post(
        step_url(draft, 2),
        dimension_post({"VO-1": 4, "VO-2": 2, "VO-3": 3}, {"VO-2": "Only ARR today"}),
    )
    assert response["Location"] == step_url(draft, 3)
    assert saved(draft) == {"VO-1": (4, ""), "VO-2": (2, "Only ARR today"), "VO-3": (3, "")}


def test_saving_a_step_again_unchanged_writes_only_what_changed(lead_client, draft):
    first = dimension_post({"VO-1": 4, "VO-2": 2}, {"VO-2": "Only ARR today"})
    lead_client.post(step_url(draft, 2), first)
    with CaptureQueriesContext(connection) as unchanged:
        lead_client.post(step_url(draft, 2), first)
    with CaptureQueriesContext(connection) as one_change:
        lead_client.post(step_url(draft, 2), dimension_post({"VO-1": 5, "VO-2": 2}))

    def answer_writes(queries):
        return [
            q["sql"]
            for q in queries
            if q["sql"].startswith(("UPDATE", "INSERT")) and "assessments_answer" in q["sql"]
        ]

    assert answer_writes(unchanged) == []
    assert len(answer_writes(one_change)) == 1
    assert saved(draft) == {"VO-1": (5, ""), "VO-2": (2, "Only ARR today")}


@pytest.mark.parametrize("goto", ["²", "①", "8", "0", "-1", "x"])
def test_a_goto_that_is_not_a_step_number_moves_to_the_next_step(lead_client, draft, goto):
    body = {**dimension_post({"VO-1": 4}), "goto": goto}
    response = lead_client.post(step_url(draft, 2), body)
    assert response.status_code == 302 and response["Location"] == step_url(draft, 3)
    assert saved(draft) == {"VO-1": (4, "")}


@pytest.mark.parametrize("team", ["²", "①", "abc", "99999999999999999999999"])
def test_starting_with_a_malformed_team_shows_an_error(lead_client, model_v0, team, team_a):
    response = lead_client.post(reverse("assessments:new"), {"team": team, "period": "2026-3"})
    assert response.status_code in (400, 404)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("step", [1, 2, 5])
def test_enter_in_a_step_means_save_and_continue(lead_client, draft, step):
    html = lead_client.get(step_url(draft, step)).content.decode()
    form = html[html.index('id="wizard-form"') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_button and 'value="next"' in first_button


def test_back_saves_too_and_the_answers_are_there_when_you_return(lead_client, draft):
    response = lead_client.post(
        step_url(draft, 3), dimension_post({"CX-1": 5, "CX-5": 1}, nav="back")
    )
    assert response["Location"] == step_url(draft, 2)
    form = lead_client.get(step_url(draft, 3)).context["form"]
    assert form["CX-1"].value() == "5" and form["CX-5"].value() == "1"


def test_a_draft_resumes_in_another_session(draft, lead_a):
    first_device, second_device = Client(), Client()
    first_device.force_login(lead_a)
    first_device.post(step_url(draft, 4), dimension_post({"AO-2": 3}, {"AO-2": "Templates exist"}))
    second_device.force_login(lead_a)
    form = second_device.get(step_url(draft, 4)).context["form"]
    assert form["AO-2"].value() == "3"
    assert form["AO-2-note"].value() == "Templates exist"


@pytest.mark.parametrize("bad", ["0", "6", "abc", "3.5", "-1"])
def test_a_bad_score_shows_an_error_and_saves_nothing(lead_client, draft, bad):
    response = lead_client.post(step_url(draft, 2), dimension_post({"VO-1": 4, "VO-2": bad}))
    assert response.status_code == 400
    assert "Choose a score from 1 to 5." in response.content.decode()
    assert saved(draft) == {}


def test_an_empty_score_is_simply_unanswered(lead_client, draft):
    lead_client.post(step_url(draft, 2), dimension_post({"VO-1": "", "VO-2": 3}))
    assert saved(draft) == {"VO-2": (3, "")}


def test_a_question_code_from_another_version_is_ignored(lead_client, draft, admin_user):
    from catalogue.services import model_version_duplicate

    v1 = model_version_duplicate(source=draft.model)
    foreign = Question.objects.get(dimension__model=v1, code="VO-1")
    foreign.code = "VO-6"
    foreign.save()
    lead_client.post(step_url(draft, 2), dimension_post({"VO-6": 5, "VO-1": 2}))
    assert saved(draft) == {"VO-1": (2, "")}
    assert not Answer.objects.filter(question=foreign).exists()
    with pytest.raises(AssessmentError, match="not part of"):
        answers_save(assessment=draft, answers={foreign: (5, "")})


def test_posting_to_an_assessment_you_cannot_see_is_a_404(client, draft, lead_b):
    client.force_login(lead_b)
    response = client.post(step_url(draft, 2), dimension_post({"VO-1": 1}))
    assert response.status_code == 404
    assert saved(draft) == {}
    assert client.post(reverse("assessments:submit", args=[draft.pk])).status_code == 404


def test_a_submitted_assessment_is_read_only(lead_client, submitted_assessment):
    before = saved(submitted_assessment)
    response = lead_client.post(step_url(submitted_assessment, 2), dimension_post({"VO-1": 1}))
    assert response["Location"] == reverse("assessments:report", args=[submitted_assessment.pk])
    assert saved(submitted_assessment) == before
    get = lead_client.get(step_url(submitted_assessment, 1))
    assert get.status_code == 302
    with pytest.raises(AlreadySubmitted):
        answers_save(
            assessment=submitted_assessment,
            answers={
                Question.objects.get(code="VO-1", dimension__model=submitted_assessment.model): (
                    1,
                    "",
                )
            },
        )


# --- Review and submit ----------------------------------------------------------------------


def test_review_lists_missing_questions_with_links_back(lead_client, draft):
    fill(draft, 3)
    Answer.objects.filter(assessment=draft, question__code__in=["CX-2", "MP-5"]).delete()
    html = lead_client.get(step_url(draft, 7)).content.decode()
    assert "2 questions still to answer" in html
    assert f"{step_url(draft, 3)}#question-CX-2" in html
    assert f"{step_url(draft, 5)}#question-MP-5" in html


def test_review_shows_totals_and_bands_of_complete_dimensions(lead_client, draft):
    fill(
        draft,
        {**{q.code: 2 for q in Question.objects.filter(dimension__model=draft.model)}, "VO-1": 5},
    )
    html = lead_client.get(step_url(draft, 7)).content.decode()
    assert "Total 13 / 25" in html and "Room for improvement" in html
    assert "Total 10 / 25" in html and "Needs immediate attention" in html


def test_a_missing_answer_blocks_submit_with_a_message_naming_it(lead_client, draft):
    fill(draft, 4)
    Answer.objects.filter(assessment=draft, question__code="AO-3").delete()
    response = lead_client.post(reverse("assessments:submit", args=[draft.pk]), follow=True)
    html = response.content.decode()
    # The review's error summary names it (once: no second message repeats the list).
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))
    ]
    assert (
        "data-focus-on-load" in summary and "Not submitted: 1 question still to answer" in summary
    )
    assert "AO-3: Do you have dedicated teams" in summary
    assert "Missing: AO-3" not in html
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_submitting_freezes_text_and_lands_on_the_report(lead_client, draft, lead_a):
    fill(draft, 4)
    response = lead_client.post(reverse("assessments:submit", args=[draft.pk]))
    assert response["Location"] == reverse("assessments:report", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_by == lead_a and draft.submitted_at
    answer = Answer.objects.get(assessment=draft, question__code="VO-1")
    assert answer.question_text == answer.question.text


def test_submitting_twice_keeps_one_submitted_assessment(lead_client, draft):
    fill(draft, 4)
    submit = reverse("assessments:submit", args=[draft.pk])
    first, second = lead_client.post(submit), lead_client.post(submit, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "already been submitted" in second.content.decode()
    assert Assessment.objects.filter(team=draft.team, status="submitted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_racing_leave_exactly_one_submission(model_v0_tx, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 3)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit():
        barrier.wait()
        try:
            assessment_submit(assessment=Assessment.objects.get(pk=draft.pk), user=lead_a)
            outcomes.append("submitted")
        except AlreadySubmitted:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "submitted"]
    assert Assessment.objects.get(pk=draft.pk).status == "submitted"


def test_csrf_is_enforced(draft, lead_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead_a)
    assert client.post(step_url(draft, 2), dimension_post({"VO-1": 3})).status_code == 403
    assert client.post(reverse("assessments:submit", args=[draft.pk])).status_code == 403
    assert saved(draft) == {}


def test_someone_without_teams_is_told_so(client, model_v0):
    client.force_login(make_user("nobody"))
    assert "not assigned to any team" in client.get(reverse("assessments:new")).content.decode()


def test_a_published_model_is_needed_to_start(lead_client, team_a):
    MaturityModel.objects.all().delete()
    response = lead_client.post(reverse("assessments:new"), {"team": team_a.pk, "period": "2026Q4"})
    assert response.status_code == 400
    assert "No published model version" in response.content.decode()


# --- Found in review ------------------------------------------------------------------------


def test_clearing_a_note_keeps_the_score(lead_client, draft):
    lead_client.post(step_url(draft, 2), dimension_post({"VO-1": 3}, {"VO-1": "first thought"}))
    lead_client.post(
        step_url(draft, 2),
        {
            "nav": "save",
            "VO-1": "3",
            "shown-VO-1": "3",
            "VO-1-note": "",
            "shown-VO-1-note": "first thought",
        },
    )
    assert saved(draft) == {"VO-1": (3, "")}


def test_a_note_of_2000_characters_with_line_breaks_is_accepted(lead_client, draft):
    note = "ab\r\n" * 500  # 2,000 characters as the browser counts them (a line break is one)
    response = lead_client.post(step_url(draft, 2), dimension_post({"VO-1": 3}, {"VO-1": note}))
    assert response.status_code == 302
    assert saved(draft)["VO-1"] == (3, ("ab\n" * 500).strip())
    too_long = lead_client.post(
        step_url(draft, 2), dimension_post({"VO-1": 3}, {"VO-1": "x" * 2001})
    )
    assert too_long.status_code == 400


def test_a_new_version_does_not_split_a_quarter(lead_client, draft, team_a):
    from catalogue.services import model_version_duplicate, model_version_publish

    model_version_publish(model=model_version_duplicate(source=draft.model))
    response = lead_client.post(reverse("assessments:new"), {"team": team_a.pk, "period": "2026Q4"})
    assert response["Location"] == step_url(draft, 1)
    assert Assessment.objects.filter(team=team_a, year=2026, quarter=4).count() == 1


def test_a_submitted_quarter_stays_submitted_under_a_new_version(
    submitted_assessment, team_a, lead_a
):
    from catalogue.services import model_version_duplicate, model_version_publish

    model_version_publish(model=model_version_duplicate(source=submitted_assessment.model))
    with pytest.raises(AlreadySubmitted):
        assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)


def test_the_start_page_offers_no_future_quarter(lead_client, model_v0):
    from django.utils import timezone

    choices = [
        key
        for key, _ in lead_client.get(reverse("assessments:new"))
        .context["form"]
        .fields["period"]
        .choices
    ]
    assert choices[0] == Quarter.containing(timezone.localdate()).key
