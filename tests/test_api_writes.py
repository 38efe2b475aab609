"""Writing through the API: the wizard's and the plan's services, rules and conflict checks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import IdempotencyKey
from assessments.models import Action, Answer, Assessment, DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.services import answers_save, assessment_start
from catalogue.models import Dimension, Question
from organizations.models import Organization, Team
from tests.api_support import bearer, fresh_rate_limits  # noqa: F401
from tests.conftest import fill, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(model_v0, team_a, lead_a) -> Assessment:
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


def answers_url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/answers/"


def saved(assessment) -> dict[str, tuple]:
    return {
        a.question.code: (a.score, a.note)
        for a in Answer.objects.filter(assessment=assessment).select_related("question")
    }


# --- Starting -------------------------------------------------------------------------------


def test_starting_a_quarter_creates_the_draft_then_resumes_it(model_v0, team_a, lead_a):
    client = bearer(lead_a)
    body = {"team": team_a.pk, "year": 2026, "quarter": 4}
    first = client.post("/api/v1/assessments/", body, format="json")
    again = client.post("/api/v1/assessments/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "draft"
    assert Assessment.objects.filter(team=team_a).count() == 1


def test_starting_a_submitted_quarter_is_409(model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 3), 3)
    response = bearer(lead_a).post(
        "/api/v1/assessments/", {"team": team_a.pk, "year": 2026, "quarter": 3}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_submitted"


def test_starting_for_a_team_out_of_scope_is_404(model_v0, team_g, lead_a):
    response = bearer(lead_a).post(
        "/api/v1/assessments/", {"team": team_g.pk, "year": 2026, "quarter": 4}, format="json"
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"year": 2026, "quarter": 4}, "team"),
        ({"team": 1, "year": 2026, "quarter": 5}, "quarter"),
        ({"team": 1, "year": "next", "quarter": 1}, "year"),
    ],
)
def test_starting_with_bad_input_is_400_naming_the_field(model_v0, team_a, lead_a, body, field):
    response = bearer(lead_a).post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


# --- Answers --------------------------------------------------------------------------------


def test_answers_are_saved_through_the_wizard_service(draft, lead_a):
    response = bearer(lead_a).patch(
        answers_url(draft),
        {
            "answers": [
                {"question": "VO-1", "score": 4, "note": "Line one\r\nline two"},
                {"question": "CX-2", "score": 2},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert saved(draft) == {"VO-1": (4, "Line one\nline two"), "CX-2": (2, "")}
    answers = {a["question"]: a["score"] for a in response.json()["answers"]}
    assert answers["VO-1"] == 4 and answers["VO-2"] is None
    # The audit trail names the token's owner, as the wizard's saves name the person.
    assert Answer.history.filter(history_user=lead_a).count() == 2


@pytest.mark.parametrize(
    "answers, where",
    [
        (
            [{"question": "VO-1", "score": 4}, {"question": "VO-2", "score": 6}],
            ("answers", 1, "score"),
        ),
        ([{"question": "VO-1", "score": 0}], ("answers", 0, "score")),
        ([{"question": "VO-1", "score": "four"}], ("answers", 0, "score")),
        (
            [{"question": "VO-1", "score": 3}, {"question": "XX-9", "score": 3}],
            ("answers", 1, "question"),
        ),
        ([{"question": "VO-1", "note": "x" * 2001}], ("answers", 0, "note")),
        ([{"question": "VO-1", "note": "nul \x00 byte"}], ("answers", 0, "note")),
    ],
)
def test_answers_breaking_the_wizard_rules_are_400_and_nothing_is_saved(
    draft, lead_a, answers, where
):
    answers_save(
        assessment=draft,
        answers={Question.objects.get(code="AO-1", dimension__model=draft.model): (3, "")},
    )
    before = saved(draft)
    response = bearer(lead_a).patch(answers_url(draft), {"answers": answers}, format="json")
    assert response.status_code == 400
    field, index, name = where
    assert name in response.json()[field][str(index)]
    assert saved(draft) == before


def test_the_same_question_twice_is_400(draft, lead_a):
    response = bearer(lead_a).patch(
        answers_url(draft),
        {"answers": [{"question": "VO-1", "score": 4}, {"question": "VO-1", "score": 2}]},
        format="json",
    )
    assert response.status_code == 400
    assert "VO-1" in response.json()["answers"][0]
    assert saved(draft) == {}


def test_overwriting_a_colleagues_change_is_409_with_both_values(draft, lead_a, consultant):
    vo1 = Question.objects.get(code="VO-1", dimension__model=draft.model)
    answers_save(assessment=draft, answers={vo1: (2, "")})
    answers_save(assessment=draft, answers={vo1: (5, "")})  # a colleague, meanwhile
    response = bearer(lead_a).patch(
        answers_url(draft),
        {
            "answers": [
                {"question": "VO-1", "score": 3, "shown": {"score": 2}},
                {"question": "VO-2", "score": 1},
            ]
        },
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "save_conflict"
    assert body["conflicts"] == [{"field": "VO-1", "label": "VO-1 score", "mine": 3, "theirs": 5}]
    assert saved(draft) == {"VO-1": (5, "")}  # VO-2 not saved either


def test_a_save_that_matches_what_was_shown_goes_through(draft, lead_a):
    vo1 = Question.objects.get(code="VO-1", dimension__model=draft.model)
    answers_save(assessment=draft, answers={vo1: (2, "old")})
    response = bearer(lead_a).patch(
        answers_url(draft),
        {
            "answers": [
                {
                    "question": "VO-1",
                    "score": 3,
                    "note": "new",
                    "shown": {"score": 2, "note": "old"},
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    assert saved(draft) == {"VO-1": (3, "new")}


def test_answering_a_submitted_assessment_is_409(model_v0, team_a, lead_a):
    done = submit(team_a, lead_a, Quarter(2026, 3), 3)
    response = bearer(lead_a).patch(
        answers_url(done), {"answers": [{"question": "VO-1", "score": 5}]}, format="json"
    )
    assert response.status_code == 409
    assert Answer.objects.get(assessment=done, question__code="VO-1").score == 3


def test_answers_of_another_organizations_draft_are_404(draft, outside_consultant, lead_b):
    for person in (outside_consultant, lead_b):
        response = bearer(person).patch(
            answers_url(draft), {"answers": [{"question": "VO-1", "score": 5}]}, format="json"
        )
        assert response.status_code == 404
    assert saved(draft) == {}


# --- Context --------------------------------------------------------------------------------


def test_the_context_is_saved(draft, lead_a):
    response = bearer(lead_a).patch(
        f"/api/v1/assessments/{draft.pk}/context/",
        {"touch_model": "high", "onboarding_weeks": 6, "company_stage": "growth"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["context"] == {
        "company_stage": "growth",
        "customer_segment": "",
        "touch_model": "high",
        "onboarding_weeks": 6,
    }
    draft.refresh_from_db()
    assert (draft.touch_model, draft.onboarding_weeks) == ("high", 6)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"touch_model": "none"}, "touch_model"),
        ({"onboarding_weeks": 0}, "onboarding_weeks"),
        ({"onboarding_weeks": 105}, "onboarding_weeks"),
    ],
)
def test_a_context_breaking_the_wizard_rules_is_400(draft, lead_a, body, field):
    response = bearer(lead_a).patch(f"/api/v1/assessments/{draft.pk}/context/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    draft.refresh_from_db()
    assert (draft.touch_model, draft.onboarding_weeks) == ("", None)


def test_a_context_conflict_is_409(draft, lead_a):
    Assessment.objects.filter(pk=draft.pk).update(touch_model="low")
    response = bearer(lead_a).patch(
        f"/api/v1/assessments/{draft.pk}/context/",
        {"touch_model": "high", "shown": {"touch_model": ""}},
        format="json",
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.touch_model == "low"


# --- Submitting -----------------------------------------------------------------------------


def test_submitting_an_incomplete_draft_is_400_naming_what_is_missing(draft, lead_a):
    fill(draft, 3)
    Answer.objects.filter(assessment=draft, question__code="MP-5").delete()
    response = bearer(lead_a).post(f"/api/v1/assessments/{draft.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "MP-5" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_submitted_assessment_shows_on_the_dashboard(client, draft, lead_a):
    fill(draft, 4)
    response = bearer(lead_a).post(f"/api/v1/assessments/{draft.pk}/submit/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted" and response.json()["overall_total"] == 80
    draft.refresh_from_db()
    assert draft.submitted_by == lead_a
    client.force_login(lead_a)
    dashboard = client.get(reverse("assessments:dashboard")).content.decode()
    assert reverse("assessments:report", args=[draft.pk]) in dashboard


def test_submitting_twice_without_a_key_is_409(draft, lead_a):
    fill(draft, 4)
    client = bearer(lead_a)
    assert (
        client.post(f"/api/v1/assessments/{draft.pk}/submit/", {}, format="json").status_code == 200
    )
    again = client.post(f"/api/v1/assessments/{draft.pk}/submit/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"


def test_the_same_idempotency_key_replays_the_first_response(draft, lead_a):
    fill(draft, 4)
    client = bearer(lead_a)
    url = f"/api/v1/assessments/{draft.pk}/submit/"
    first = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="submit-2026q4")
    again = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="submit-2026q4")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Assessment.history.filter(id=draft.pk, status="submitted").count() == 1


def test_the_same_key_with_another_body_is_422(draft, lead_a):
    fill(draft, 4)
    client = bearer(lead_a)
    url = f"/api/v1/assessments/{draft.pk}/submit/"
    assert client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 200
    other = client.post(url, {"seen_responses": [1]}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_a_refusal_is_replayed_too_and_a_key_is_per_person(draft, lead_a, consultant):
    url = f"/api/v1/assessments/{draft.pk}/submit/"
    first = bearer(lead_a).post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == 400
    again = bearer(lead_a).post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert (again.status_code, again.json()) == (400, first.json())
    fill(draft, 4)
    theirs = bearer(consultant).post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert theirs.status_code == 200
    assert IdempotencyKey.objects.filter(key="same").count() == 2


def test_an_unusable_idempotency_key_is_400(draft, lead_a):
    response = bearer(lead_a).post(
        f"/api/v1/assessments/{draft.pk}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 201
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


# --- The plan -------------------------------------------------------------------------------


@pytest.fixture
def submitted(model_v0, team_a, lead_a):
    return submit(team_a, lead_a, Quarter(2026, 3), 3)


def test_a_theme_then_actions_are_planned_and_changed(submitted, lead_a, consultant):
    client = bearer(consultant)
    base = f"/api/v1/assessments/{submitted.pk}"
    theme = client.put(
        f"{base}/theme/",
        {"dimension": "CX", "questions": ["CX-1", "CX-3"], "reason": "Largest gap"},
        format="json",
    )
    assert theme.status_code == 200, theme.json()
    assert theme.json()["plan"]["theme"]["questions"] == ["CX-1", "CX-3"]
    added = client.post(
        f"{base}/actions/",
        {"title": "Kick-off checklist", "owner": "lead_a", "due_date": "2026-11-30"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    action = added.json()
    assert (action["owner"], action["status"], action["due_date"]) == (
        "lead_a",
        "planned",
        "2026-11-30",
    )
    changed = client.patch(f"{base}/actions/{action['id']}/", {"status": "done"}, format="json")
    assert changed.status_code == 200
    row = Action.objects.get(pk=action["id"])
    assert (row.status, row.owner, row.title) == ("done", lead_a, "Kick-off checklist")


def test_an_action_before_a_theme_is_400_from_the_service(submitted, lead_a):
    response = bearer(lead_a).post(
        f"/api/v1/assessments/{submitted.pk}/actions/", {"title": "Too early"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["problems"] == ["choose the theme first"]
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x", "owner": "nobody"}, "owner"),
        ({"title": "x", "status": "maybe"}, "status"),
        ({"title": "x", "due_date": "tomorrow"}, "due_date"),
    ],
)
def test_a_bad_action_is_400_naming_the_field(submitted, lead_a, body, field):
    value = Dimension.objects.get(model=submitted.model, code="VO")
    from assessments.plan_services import theme_choose

    theme_choose(assessment=submitted, user=lead_a, dimension=value)
    response = bearer(lead_a).post(
        f"/api/v1/assessments/{submitted.pk}/actions/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Action.objects.exists()


def test_an_action_due_before_its_quarter_is_refused_by_the_service(submitted, lead_a):
    from assessments.plan_services import theme_choose

    theme_choose(
        assessment=submitted,
        user=lead_a,
        dimension=Dimension.objects.get(model=submitted.model, code="VO"),
    )
    response = bearer(lead_a).post(
        f"/api/v1/assessments/{submitted.pk}/actions/",
        {"title": "Late", "due_date": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "due date" in response.json()["problems"][0]


def test_a_theme_on_a_draft_is_400(draft, lead_a):
    response = bearer(lead_a).put(
        f"/api/v1/assessments/{draft.pk}/theme/", {"dimension": "VO"}, format="json"
    )
    assert response.status_code == 400
    assert "submit the assessment" in response.json()["problems"][0]


def test_the_quarters_figures_are_recorded(draft, lead_a):
    client = bearer(lead_a)
    url = f"/api/v1/assessments/{draft.pk}/metrics/"
    response = client.put(url, {"csat": 4.25, "nps": -10, "customers_onboarded": 12}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["csat"] == 4.25 and response.json()["nps"] == -10
    row = OutcomeMetrics.objects.get(team=draft.team, year=2026, quarter=4)
    assert (float(row.csat), row.nps, row.customers_onboarded) == (4.25, -10, 12)
    bad = client.put(url, {"csat": 6, "nps": 2.5}, format="json")
    assert bad.status_code == 400 and {"csat", "nps"} <= set(bad.json())
    row.refresh_from_db()
    assert row.nps == -10


def test_targets_are_set_per_dimension(submitted, lead_a):
    client = bearer(lead_a)
    url = f"/api/v1/teams/{submitted.team_id}/targets/"
    response = client.put(
        url,
        {
            "targets": {
                "VO": {"target": 20},
                "MP": {"target": None, "right_for_stage": True, "reason": "Early"},
            }
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["changed"] == 2
    assert DimensionTarget.objects.get(team=submitted.team, dimension_code="VO").target_total == 20
    refused = client.put(
        url, {"targets": {"ZZ": {"target": 10}, "VO": {"target": 26}}}, format="json"
    )
    assert refused.status_code == 400
    refused = client.put(url, {"targets": {"ZZ": {"target": 10}}}, format="json")
    assert refused.status_code == 400 and "ZZ is not a dimension" in refused.json()["problems"][0]
    stage = client.put(
        url, {"targets": {"AO": {"target": 10, "right_for_stage": True}}}, format="json"
    )
    assert stage.status_code == 400


# --- Organizations and teams ----------------------------------------------------------------


def test_platform_admins_create_organizations_and_teams(admin_user):
    client = bearer(admin_user)
    organization = client.post("/api/v1/organizations/", {"name": "Initech"}, format="json")
    assert organization.status_code == 201
    assert organization.json()["slug"] == "initech"
    team = client.post(
        "/api/v1/teams/", {"organization": "initech", "name": "Onboarding"}, format="json"
    )
    assert team.status_code == 201
    assert Team.objects.get(pk=team.json()["id"]).organization.name == "Initech"
    missing = client.post("/api/v1/teams/", {"organization": "nope", "name": "X"}, format="json")
    assert missing.status_code == 400 and "organization" in missing.json()


def test_others_may_not_create_organizations_or_teams(acme, lead_a, consultant):
    for person in (lead_a, consultant):
        client = bearer(person)
        assert (
            client.post("/api/v1/organizations/", {"name": "Mine"}, format="json").status_code
            == 403
        )
        assert (
            client.post(
                "/api/v1/teams/", {"organization": "acme", "name": "Mine"}, format="json"
            ).status_code
            == 403
        )
    assert Organization.objects.count() == 1 and not Team.objects.filter(name="Mine").exists()
