"""The plan on a submitted report (issue 12): targets beside the totals and on the radar, next
quarter's theme, its actions and recommended starting actions, and the hint that a high score
has no figure behind it. Every form is posted as the page renders it."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import plan_services, team_services
from assessments.models import Action, Assessment
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, TargetInput
from assessments.plan_views import gap_words
from assessments.services import assessment_start, assessment_submit
from catalogue.models import Band, Dimension, Question, Recommendation
from catalogue.selectors import forget_model_structures
from catalogue.services import model_version_duplicate
from tests.conftest import fill, make_user, page_form, questions_of, submit
from tests.svg_chart import Radar

QUARTER = Quarter(2026, 3)
# Totals: VO 16 (VO-3 scored 4), CX 10, AO 20, MP 15.
SCORES = {"VO": 3, "CX": 2, "AO": 4, "MP": 3}
OVERRIDES = {"VO-3": 4}
CODES = ["VO", "CX", "AO", "MP"]


def scores(overrides: dict[str, int] | None = None) -> dict[str, int]:
    wanted = {**OVERRIDES, **(overrides or {})}
    return {
        q.code: wanted.get(q.code, SCORES[q.dimension.code])
        for q in Question.objects.filter(dimension__model__version="v0").select_related("dimension")
    }


def set_targets(team, user, **targets: TargetInput) -> None:
    plan_services.targets_save(team=team, user=user, targets=targets, codes=CODES)


# VO 4 below its target, CX below its own but right for the stage, AO 2 above, MP at target.
TARGETS = {
    "VO": TargetInput(20),
    "CX": TargetInput(12, for_stage=True, reason="We onboard a handful of customers a year"),
    "AO": TargetInput(18),
    "MP": TargetInput(15),
}


@pytest.fixture
def assessment(model_v0, team_a, lead_a) -> Assessment:
    return submit(team_a, lead_a, QUARTER, scores())


@pytest.fixture
def lead(client, lead_a):
    client.force_login(lead_a)
    return client


def report_url(assessment) -> str:
    return reverse("assessments:report", args=[assessment.pk])


def text_of(response) -> str:
    """The page's words as read: tags removed (inline ones without a space), spaces collapsed."""
    html = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    html = re.sub(r"</?(a|span|strong|em)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def dimension(assessment, code: str) -> Dimension:
    return Dimension.objects.get(model=assessment.model, code=code)


def question(assessment, code: str) -> Question:
    return Question.objects.get(dimension__model=assessment.model, code=code)


def choose_theme(assessment, user, code: str = "VO", reason: str = "") -> Assessment:
    return plan_services.theme_choose(
        assessment=assessment, user=user, dimension=dimension(assessment, code), reason=reason
    )


def recommendation(assessment, key: str, code: str, total: int, title: str, q=None):
    band = Band.objects.get(model=assessment.model, min_total__lte=total, max_total__gte=total)
    return Recommendation.objects.create(
        model=assessment.model,
        key=key,
        dimension=dimension(assessment, code),
        band=band,
        question=q,
        title=title,
        detail="Written for the tests.",
    )


def with_respondent(team, lead, quarter=QUARTER):
    """A submitted quarter one invited person (no team) answered as the lead did, before the
    lead submitted."""
    person = make_user("respondent", first_name="Rae", last_name="Respondent")
    draft, _ = assessment_start(team=team, period=quarter, user=lead)
    fill(draft, scores())
    (invited,) = team_services.respondents_invite(assessment=draft, users=[person], invited_by=lead)
    team_services.response_answers_save(
        respondent=invited,
        answers={q: (scores()[q.code], "") for q in questions_of(draft.model)},
    )
    team_services.response_submit(respondent=invited)
    return assessment_submit(assessment=draft, user=lead), person


# --- Targets and gaps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "words"),
    [(3, "3 below target"), (1, "1 below target"), (0, "at target"), (-2, "2 above"), (None, "")],
)
def test_a_gap_reads_as_below_at_or_above_target(gap, words):
    assert gap_words(gap) == words


def test_the_targets_table_shows_total_band_target_gap_and_the_stage_reason(
    lead, assessment, team_a, lead_a
):
    set_targets(team_a, lead_a, **TARGETS)
    text = text_of(lead.get(report_url(assessment)))
    assert "Value Orientation 16 / 25 Room for improvement 20 4 below target" in text
    assert (
        "CX & Delivery 10 / 25 Needs immediate attention 12 2 below target "
        "right for our stage: We onboard a handful of customers a year" in text
    )
    assert "Adaptability & Organization 20 / 25 Excellent 18 2 above" in text
    assert "Manageability & Productivity 15 / 25 Room for improvement 15 at target" in text
    html = lead.get(report_url(assessment)).content.decode()
    assert f'href="{reverse("assessments:team", args=[team_a.pk])}#targets">Set targets' in html


def test_without_targets_the_report_says_so_and_offers_to_set_them(lead, assessment, team_a):
    response = lead.get(report_url(assessment))
    assert "This team has no targets yet: Set targets on the team page" in text_of(response)
    assert f"{reverse('assessments:team', args=[team_a.pk])}#targets" in response.content.decode()
    assert "below target" not in text_of(response)


def test_the_radar_draws_a_dashed_target_ring_at_each_target(lead, assessment, team_a, lead_a):
    set_targets(team_a, lead_a, VO=TargetInput(20), CX=TargetInput(12), AO=TargetInput(18))
    figure = Radar.of_page(lead.get(report_url(assessment)).content.decode())
    assert figure.target_dots == [20, 12, 18]
    # MP has no target: a gap in the ring (no MP-VO or AO-MP segment).
    assert figure.target_ring == [[20, 12], [12, 18]]
    assert all(
        s.get("stroke-dasharray") for s in figure.elements("line", **{"class": "target-ring"})
    )


def test_without_targets_the_radar_has_no_target_ring(lead, assessment):
    response = lead.get(report_url(assessment))
    figure = Radar.of_page(response.content.decode())
    assert figure.target_dots == [] and figure.target_ring == []
    assert "Target" not in [e.label for e in response.context["radar"].legend]


def test_the_target_ring_keeps_the_previous_quarter_and_the_answers_range(
    client, model_v0, team_a, lead_a
):
    submit(team_a, lead_a, QUARTER.previous(), 2)
    current, _ = with_respondent(team_a, lead_a)
    set_targets(team_a, lead_a, **TARGETS)
    client.force_login(lead_a)
    response = client.get(report_url(current))
    figure = Radar.of_page(response.content.decode())
    legend = [e.label for e in response.context["radar"].legend]
    assert legend == ["2026 Q3", "2026 Q2", "Lowest to highest answer", "Target"]
    assert len(figure.answer_range) == 2 and len(figure.previous) == 1 and figure.target_dots
    (agreed,) = figure.elements("polygon", fill="#0a4baf")
    (first_dot, *_) = figure.elements("circle")
    assert figure.drawn_before(agreed, first_dot)  # the ring over this quarter's area


# --- The theme -------------------------------------------------------------------------------


def checked_label(response) -> str:
    """The label of the theme form's preselected dimension."""
    html = response.content.decode()
    match = re.search(
        r'<input[^>]*name="dimension"[^>]*id="(theme-dimension-\d+)"[^>]*checked', html
    )
    assert match, "no dimension preselected"
    label = re.search(rf'<label[^>]*for="{match.group(1)}">(.*?)</label>', html, re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", label.group(1)))).strip()


def test_the_largest_gap_below_target_is_preselected_and_says_why(lead, assessment, team_a, lead_a):
    # CX's gap is smaller but it is marked right for the stage anyway; VO is 4 below.
    set_targets(team_a, lead_a, **TARGETS)
    label = checked_label(lead.get(report_url(assessment)))
    assert label == "Value Orientation (16 / 25) suggested: largest gap below target"


def test_without_targets_the_lowest_total_is_preselected_and_says_why(lead, assessment):
    label = checked_label(lead.get(report_url(assessment)))
    assert label.endswith("(10 / 25) suggested: lowest total")
    assert page_form(lead.get(report_url(assessment)), "theme-form")["dimension"] == str(
        dimension(assessment, "CX").pk
    )


def test_choosing_the_theme_stores_it_with_who_when_and_why(lead, assessment, team_a, lead_a):
    set_targets(team_a, lead_a, **TARGETS)
    form = page_form(lead.get(report_url(assessment)), "theme-form")
    form["reason"] = "Customers wait too long for first value."
    response = lead.post(reverse("assessments:theme", args=[assessment.pk]), form)
    assert response.status_code == 302
    assert response["Location"] == report_url(assessment) + "#plan"
    assessment.refresh_from_db()
    assert assessment.theme_dimension == dimension(assessment, "VO")
    assert assessment.theme_chosen_by == lead_a
    assert assessment.theme_reason == "Customers wait too long for first value."
    text = text_of(lead.get(report_url(assessment)))
    day = assessment.theme_chosen_at.astimezone().strftime("%-d %B %Y")
    assert "Theme: Value Orientation" in text
    assert f"Chosen by Alex Lead on {day}." in text
    assert "Why: Customers wait too long for first value." in text
    assert "Change the theme" in text


def test_questions_within_the_theme_are_stored_and_shown(lead, assessment):
    form = page_form(lead.get(report_url(assessment)), "theme-form")
    form["dimension"] = str(dimension(assessment, "MP").pk)
    form["questions"] = [str(question(assessment, "MP-2").pk), str(question(assessment, "MP-4").pk)]
    response = lead.post(reverse("assessments:theme", args=[assessment.pk]), form)
    assert response.status_code == 302
    assert {q.code for q in assessment.theme_questions.all()} == {"MP-2", "MP-4"}
    page = lead.get(report_url(assessment))
    assert "Questions to work on: MP-2:" in text_of(page)
    # Changing it starts from what was chosen.
    again = page_form(page, "theme-form")
    assert again["dimension"] == str(dimension(assessment, "MP").pk)


def test_a_question_of_another_dimension_is_refused_and_nothing_is_saved(lead, assessment):
    form = page_form(lead.get(report_url(assessment)), "theme-form")
    form["dimension"] = str(dimension(assessment, "VO").pk)
    form["questions"] = [str(question(assessment, "CX-1").pk)]
    response = lead.post(reverse("assessments:theme", args=[assessment.pk]), form)
    assert response.status_code == 400
    assert "Nothing was saved" in text_of(response)
    assert "CX-1 not part of Value Orientation." in text_of(response)
    assessment.refresh_from_db()
    assert assessment.theme_dimension is None and assessment.theme_chosen_by is None


def test_a_dimension_of_another_model_version_is_refused(lead, assessment):
    other = model_version_duplicate(source=assessment.model)
    form = page_form(lead.get(report_url(assessment)), "theme-form")
    form["dimension"] = str(Dimension.objects.get(model=other, code="VO").pk)
    response = lead.post(reverse("assessments:theme", args=[assessment.pk]), form)
    assert response.status_code == 400
    assert "Pick one of the dimensions of this assessment's model version." in text_of(response)
    assessment.refresh_from_db()
    assert assessment.theme_dimension is None


def test_a_reason_over_300_characters_is_refused(lead, assessment):
    form = page_form(lead.get(report_url(assessment)), "theme-form")
    form["reason"] = "x" * 301
    response = lead.post(reverse("assessments:theme", args=[assessment.pk]), form)
    assert response.status_code == 400
    assert "at most 300 characters" in text_of(response)
    assessment.refresh_from_db()
    assert assessment.theme_dimension is None


def test_a_draft_has_no_theme_to_choose(lead, model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=QUARTER, user=lead_a)
    url = reverse("assessments:theme", args=[draft.pk])
    response = lead.post(url, {"dimension": dimension(draft, "VO").pk})
    assert response.status_code == 400
    assert "Submit the assessment before planning the next quarter." in text_of(response)
    draft.refresh_from_db()
    assert draft.theme_dimension is None


# --- Actions ---------------------------------------------------------------------------------


def test_adding_an_action_owned_by_a_person_of_the_organization(
    lead, assessment, lead_a, lead_b, consultant
):
    choose_theme(assessment, lead_a)
    page = lead.get(report_url(assessment))
    html = page.content.decode()
    assert "Blair Lead" in html and "Casey Consultant" in html  # people of Acme offered
    form = page_form(page, "add-action-form")
    assert form["status"] == "planned"
    form.update(title="Map the first-value moment", owner=str(lead_b.pk), due_date="2026-10-15")
    response = lead.post(reverse("assessments:action-add", args=[assessment.pk]), form)
    assert response.status_code == 302
    assert response["Location"] == report_url(assessment) + "#plan"
    (action,) = Action.objects.filter(assessment=assessment)
    assert (action.title, action.owner, action.due_date, action.status, action.created_by) == (
        "Map the first-value moment",
        lead_b,
        datetime.date(2026, 10, 15),
        "planned",
        lead_a,
    )
    assert "Map the first-value moment Blair Lead 15 Oct 2026 Planned" in text_of(
        lead.get(report_url(assessment))
    )


def test_an_owner_can_be_a_typed_name(lead, assessment, lead_a):
    choose_theme(assessment, lead_a)
    form = page_form(lead.get(report_url(assessment)), "add-action-form")
    form.update(title="Call three customers", owner_name="Pat from Support")
    response = lead.post(reverse("assessments:action-add", args=[assessment.pk]), form)
    assert response.status_code == 302
    action = Action.objects.get(assessment=assessment)
    assert action.owner is None and action.owner_label == "Pat from Support"


def test_an_owner_from_another_organization_is_refused(
    lead, assessment, lead_a, outside_consultant
):
    choose_theme(assessment, lead_a)
    form = page_form(lead.get(report_url(assessment)), "add-action-form")
    form.update(title="Borrow Globex's playbook", owner=str(outside_consultant.pk))
    response = lead.post(reverse("assessments:action-add", args=[assessment.pk]), form)
    assert response.status_code == 400
    assert "Pick the owner from the people of this organization, or type a name." in text_of(
        response
    )
    assert page_form(response, "add-action-form")["title"] == "Borrow Globex's playbook"
    assert not Action.objects.exists()


def test_a_due_date_before_the_quarter_is_refused(lead, assessment, lead_a):
    choose_theme(assessment, lead_a)
    form = page_form(lead.get(report_url(assessment)), "add-action-form")
    form.update(title="Backdated", due_date="2026-06-30")
    response = lead.post(reverse("assessments:action-add", args=[assessment.pk]), form)
    assert response.status_code == 400
    assert "The due date cannot be before 2026 Q3 (01 Jul 2026)." in text_of(response)
    assert not Action.objects.exists()


def test_a_person_and_a_typed_name_together_are_refused(lead, assessment, lead_a):
    choose_theme(assessment, lead_a)
    form = page_form(lead.get(report_url(assessment)), "add-action-form")
    form.update(title="Two owners", owner=str(lead_a.pk), owner_name="Someone else")
    response = lead.post(reverse("assessments:action-add", args=[assessment.pk]), form)
    assert response.status_code == 400
    assert "Pick a person or type a name, not both." in text_of(response)
    assert not Action.objects.exists()


def test_actions_wait_for_the_theme(lead, assessment):
    assert 'id="add-action-form"' not in lead.get(report_url(assessment)).content.decode()
    url = reverse("assessments:action-add", args=[assessment.pk])
    response = lead.post(url, {"title": "Too early", "status": "planned"})
    assert response.status_code == 400
    assert "Choose next quarter's theme first, then add its actions." in text_of(response)
    assert not Action.objects.exists()


def add_action(assessment, user, title: str, **extra) -> Action:
    return plan_services.action_save(
        assessment=assessment,
        user=user,
        wanted=ActionInput(title=title, **extra),
        people_ids={user.pk},
    )


def test_an_action_is_edited_from_its_own_form(lead, assessment, lead_a):
    choose_theme(assessment, lead_a)
    action = add_action(assessment, lead_a, "Write the welcome e-mail")
    form = page_form(lead.get(report_url(assessment)), f"action-{action.pk}-form")
    assert form["title"] == "Write the welcome e-mail" and form["status"] == "planned"
    form.update(status="doing", owner=str(lead_a.pk), due_date="2026-11-30")
    url = reverse("assessments:action-edit", args=[assessment.pk, action.pk])
    assert lead.post(url, form).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.owner, action.due_date) == (
        "doing",
        lead_a,
        datetime.date(2026, 11, 30),
    )
    assert "Write the welcome e-mail Alex Lead 30 Nov 2026 Doing" in text_of(
        lead.get(report_url(assessment))
    )


def test_a_refused_edit_shows_on_the_page_and_changes_nothing(lead, assessment, lead_a):
    choose_theme(assessment, lead_a)
    action = add_action(assessment, lead_a, "Keep me")
    form = page_form(lead.get(report_url(assessment)), f"action-{action.pk}-form")
    form.update(title="", status="done")
    url = reverse("assessments:action-edit", args=[assessment.pk, action.pk])
    response = lead.post(url, form)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(
        r'<details open>\s*<summary>Edit<span class="visually-hidden"> “Keep me”', html
    )
    assert "This field is required." in text_of(response)
    action.refresh_from_db()
    assert (action.title, action.status) == ("Keep me", "planned")


def test_an_action_of_another_assessment_is_not_found(lead, assessment, team_a, lead_a):
    choose_theme(assessment, lead_a)
    other = submit(team_a, lead_a, QUARTER.previous(), 3)
    choose_theme(other, lead_a)
    elsewhere = add_action(other, lead_a, "Last quarter's")
    url = reverse("assessments:action-edit", args=[assessment.pk, elsewhere.pk])
    response = lead.post(url, {"title": "Moved", "status": "done"})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert (elsewhere.title, elsewhere.status) == ("Last quarter's", "planned")


# --- Recommendations -------------------------------------------------------------------------


def test_the_themes_recommendations_in_its_band_are_offered_and_adopted(lead, assessment, lead_a):
    choose_theme(assessment, lead_a, "VO")  # VO totals 16: "Room for improvement"
    offered = recommendation(assessment, "test-vo-mid", "VO", 16, "Name one value per segment")
    other_band = recommendation(assessment, "test-vo-low", "VO", 8, "Start from the basics")
    other_dim = recommendation(assessment, "test-cx-mid", "CX", 16, "Survey after go-live")
    html = lead.get(report_url(assessment)).content.decode()
    assert f'id="adopt-{offered.pk}"' in html
    assert f'id="adopt-{other_band.pk}"' not in html and f'id="adopt-{other_dim.pk}"' not in html

    url = reverse("assessments:action-adopt", args=[assessment.pk, offered.pk])
    response = lead.post(url, page_form(lead.get(report_url(assessment)), f"adopt-{offered.pk}"))
    assert response.status_code == 302
    assert response["Location"] == report_url(assessment) + "#plan"
    action = Action.objects.get(assessment=assessment)
    assert (action.title, action.recommendation, action.status) == (
        "Name one value per segment",
        offered,
        "planned",
    )
    page = lead.get(report_url(assessment))
    assert f'id="adopt-{offered.pk}"' not in page.content.decode()  # adopted already
    assert "Name one value per segment Adopted" in text_of(page)
    # Editable afterwards, starting from the recommendation's title.
    assert page_form(page, f"action-{action.pk}-form")["title"] == "Name one value per segment"


def test_a_recommendation_cannot_be_adopted_before_the_theme(lead, assessment):
    offered = recommendation(assessment, "test-vo-early", "VO", 16, "Too early")
    url = reverse("assessments:action-adopt", args=[assessment.pk, offered.pk])
    response = lead.post(url)
    assert response.status_code == 400
    assert "Nothing was saved: Choose the theme first." in text_of(response)
    assert not Action.objects.exists()


def test_a_recommendation_of_another_model_version_is_not_found(lead, assessment, lead_a):
    choose_theme(assessment, lead_a)
    other = model_version_duplicate(source=assessment.model)
    foreign = Recommendation.objects.create(
        model=other,
        key="test-other-version",
        dimension=Dimension.objects.get(model=other, code="VO"),
        band=Band.objects.get(model=other, min_total=11),
        title="From another version",
    )
    url = reverse("assessments:action-adopt", args=[assessment.pk, foreign.pk])
    assert lead.post(url).status_code == 404
    assert not Action.objects.exists()


# --- Who may change a plan -------------------------------------------------------------------


def plan_posts(assessment, action, offered) -> list[tuple[str, dict]]:
    pk = assessment.pk
    return [
        (reverse("assessments:theme", args=[pk]), {"dimension": dimension(assessment, "MP").pk}),
        (reverse("assessments:action-add", args=[pk]), {"title": "Sneaky", "status": "planned"}),
        (
            reverse("assessments:action-edit", args=[pk, action.pk]),
            {"title": "Changed", "status": "dropped"},
        ),
        (reverse("assessments:action-adopt", args=[pk, offered.pk]), {}),
    ]


@pytest.mark.parametrize("person", ["lead_b", "outside_consultant", "staff", "respondent"])
def test_people_who_may_not_change_the_plan_get_404_and_nothing_changes(
    request, client, model_v0, team_a, lead_a, person
):
    assessment, respondent = with_respondent(team_a, lead_a)
    choose_theme(assessment, lead_a, "VO")
    action = add_action(assessment, lead_a, "Original")
    offered = recommendation(assessment, "test-vo-scope", "VO", 16, "Offered")
    users = {"respondent": respondent, "staff": make_user("staff", is_staff=True)}
    client.force_login(users.get(person) or request.getfixturevalue(person))
    for url, data in plan_posts(assessment, action, offered):
        assert client.post(url, data).status_code == 404, url
    assessment.refresh_from_db()
    action.refresh_from_db()
    assert assessment.theme_dimension.code == "VO"
    assert (action.title, action.status) == ("Original", "planned")
    assert Action.objects.count() == 1


def test_a_consultant_of_the_organization_may_plan(client, assessment, consultant):
    client.force_login(consultant)
    form = page_form(client.get(report_url(assessment)), "theme-form")
    assert client.post(reverse("assessments:theme", args=[assessment.pk]), form).status_code == 302
    assessment.refresh_from_db()
    assert assessment.theme_chosen_by == consultant


def test_an_invited_respondent_reads_the_plan_without_its_forms(client, model_v0, team_a, lead_a):
    assessment, respondent = with_respondent(team_a, lead_a)
    set_targets(team_a, lead_a, **TARGETS)
    choose_theme(assessment, lead_a, "VO", reason="First value is slow.")
    add_action(assessment, lead_a, "Shorten the kickoff", owner=lead_a)
    recommendation(assessment, "test-vo-read", "VO", 16, "Only for the lead")
    client.force_login(respondent)
    response = client.get(report_url(assessment))
    assert response.status_code == 200
    text, html = text_of(response), response.content.decode()
    assert "Theme: Value Orientation" in text and "Why: First value is slow." in text
    assert "Shorten the kickoff Alex Lead" in text
    assert "4 below target" in text
    for form_id in ("theme-form", "add-action-form"):
        assert f'id="{form_id}"' not in html
    assert "<form" not in html.split('id="plan"')[1].split("Every answer")[0]
    assert "Only for the lead" not in text and "Set targets" not in text


# --- Evidence --------------------------------------------------------------------------------


def test_a_high_score_without_its_figure_says_so_beside_the_answers(
    lead, assessment, team_a, lead_a
):
    response = lead.get(report_url(assessment))
    text = text_of(response)
    assert (
        "VO-3 (scored 4): No figure backs this score: "
        "record time to value for 2026 Q3 on the team page." in text
    )
    metrics = f"{reverse('assessments:team', args=[team_a.pk])}#metrics"
    assert f'href="{metrics}">team page</a>' in response.content.decode()
    # Inside the Value Orientation answers, after its table.
    section = response.content.decode().split('id="answers-VO"')[1].split("<section")[0]
    assert "No figure backs this score" in section

    plan_services.metrics_save(
        team=team_a, period=QUARTER, user=lead_a, values={"time_to_value_days": 42}
    )
    assert "No figure backs this score" not in text_of(lead.get(report_url(assessment)))


def test_a_figure_of_another_quarter_does_not_back_this_score(lead, assessment, team_a, lead_a):
    plan_services.metrics_save(
        team=team_a, period=QUARTER.previous(), user=lead_a, values={"time_to_value_days": 42}
    )
    assert "VO-3 (scored 4): No figure backs" in text_of(lead.get(report_url(assessment)))


def test_scores_below_4_need_no_figure(lead, model_v0, team_a, lead_a):
    assessment = submit(team_a, lead_a, QUARTER, 3)
    assert "No figure backs this score" not in text_of(lead.get(report_url(assessment)))


# --- Bounded queries -------------------------------------------------------------------------


def report_queries(client, assessment) -> int:
    client.get(report_url(assessment))  # the session's CSRF token
    forget_model_structures()  # the cold path: the most a request can cost
    with CaptureQueriesContext(connection) as captured:
        assert client.get(report_url(assessment)).status_code == 200
    return len(captured)


def test_the_report_costs_the_same_queries_for_one_or_ten_actions(
    lead, model_v0, team_a, lead_a, team_b, lead_b, consultant
):
    one = submit(team_a, lead_a, QUARTER, scores())
    ten = submit(team_b, lead_b, QUARTER, scores())
    for assessment, count in ((one, 1), (ten, 10)):
        choose_theme(assessment, assessment.created_by)
        recommendation(assessment, f"test-bound-{count}", "VO", 16, "Offered")
        for n in range(count):
            owner = consultant if n % 2 else None
            add_action(assessment, consultant, f"Action {n}", owner=owner, owner_name="")
    lead.force_login(consultant)
    assert report_queries(lead, ten) == report_queries(lead, one)
