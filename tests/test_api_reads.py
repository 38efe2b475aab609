"""Reading through the API: real values, scoped like the pages, paginated, with ETags."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tokens import token_create
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, action_save, metrics_save, theme_choose
from assessments.services import assessment_start
from catalogue.models import Dimension
from organizations.models import Team
from tests.api_support import bearer, fresh_rate_limits  # noqa: F401
from tests.conftest import fill, submit

pytestmark = pytest.mark.django_db
SCORES = {
    **{f"VO-{n}": 5 for n in range(1, 6)},  # 25
    **{f"CX-{n}": 4 for n in range(1, 6)},  # 20
    **{f"AO-{n}": 2 for n in range(1, 6)},  # 10
    **{f"MP-{n}": 1 for n in range(1, 6)},  # 5
}


@pytest.fixture
def scored(model_v0, team_a, lead_a):
    return submit(team_a, lead_a, Quarter(2026, 3), SCORES, notes={"CX-2": "Kick-off slips"})


def test_the_assessment_reads_with_totals_bands_answers_and_plan(scored, lead_a):
    vo = Dimension.objects.get(model=scored.model, code="VO")
    theme_choose(assessment=scored, user=lead_a, dimension=vo, reason="Largest gap")
    action_save(
        assessment=scored,
        user=lead_a,
        wanted=ActionInput(title="Map the value story", owner=lead_a, status="doing"),
        people_ids={lead_a.pk},
    )
    metrics_save(team=scored.team, period=scored.period, user=lead_a, values={"nps": 31})

    response = bearer(lead_a, scope="read").get(f"/api/v1/assessments/{scored.pk}/")

    assert response.status_code == 200
    doc = response.json()
    assert (doc["id"], doc["organization_slug"], doc["team"]) == (
        scored.pk,
        "acme",
        "Enterprise Onboarding",
    )
    assert (doc["year"], doc["quarter"], doc["status"]) == (2026, 3, "submitted")
    totals = {d["code"]: (d["total"], d["band"]) for d in doc["dimensions"]}
    assert {code: total for code, (total, _band) in totals.items()} == {
        "VO": 25,
        "CX": 20,
        "AO": 10,
        "MP": 5,
    }
    assert all(band for _total, band in totals.values())
    assert doc["overall_total"] == 60 and doc["max_overall"] == 100
    answers = {a["question"]: a for a in doc["answers"]}
    assert answers["CX-2"]["score"] == 4 and answers["CX-2"]["note"] == "Kick-off slips"
    assert answers["VO-1"]["spread"] == 0 and answers["VO-1"]["distribution"] == {"5": 1}
    assert doc["respondents"]["count"] == 1
    assert doc["respondents"]["people"][0]["id"] == "lead_a"
    assert doc["plan"]["theme"]["dimension"] == "VO"
    [action] = doc["plan"]["actions"]
    assert (action["title"], action["owner"], action["status"]) == (
        "Map the value story",
        "Alex Lead",
        "doing",
    )
    assert doc["plan"]["metrics"] == {"nps": 31}


def test_a_token_of_another_organization_gets_404(scored, outside_consultant):
    client = bearer(outside_consultant)
    assert client.get(f"/api/v1/assessments/{scored.pk}/").status_code == 404
    missing = client.get("/api/v1/assessments/999999/")
    assert missing.status_code == 404
    assert client.get(f"/api/v1/assessments/{scored.pk}/").json() == missing.json()
    assert client.get("/api/v1/assessments/").json()["results"] == []
    assert client.get("/api/v1/organizations/acme/").status_code == 404
    assert client.get(f"/api/v1/teams/{scored.team_id}/").status_code == 404


def test_another_team_lead_of_the_same_organization_gets_404(scored, lead_b):
    assert bearer(lead_b).get(f"/api/v1/assessments/{scored.pk}/").status_code == 404


def test_the_list_filters_by_organization_team_year_quarter_and_status(
    model_v0, team_a, team_b, team_g, lead_a, consultant, admin_user
):
    submit(team_a, lead_a, Quarter(2026, 2), 3)
    submit(team_b, lead_a, Quarter(2026, 2), 4)
    assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    submit(team_g, admin_user, Quarter(2025, 4), 2)
    client = bearer(admin_user)

    def found(query: str) -> list[tuple]:
        response = client.get(f"/api/v1/assessments/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(
            (r["team"], r["year"], r["quarter"], r["status"]) for r in response.json()["results"]
        )

    assert len(found("")) == 4
    assert found("organization=globex") == [("Globex Onboarding", 2025, 4, "submitted")]
    assert found(f"team={team_b.pk}") == [("SMB Onboarding", 2026, 2, "submitted")]
    assert found("status=draft") == [("Enterprise Onboarding", 2026, 3, "draft")]
    assert found("year=2026&quarter=2&organization=acme") == [
        ("Enterprise Onboarding", 2026, 2, "submitted"),
        ("SMB Onboarding", 2026, 2, "submitted"),
    ]
    # The consultant sees Acme only, whatever the filter asks.
    assert (
        bearer(consultant).get("/api/v1/assessments/?organization=globex").json()["results"] == []
    )


@pytest.mark.parametrize(
    "query", ["year=soon", "quarter=5", "status=done", "team=-1", "organization=a%20b"]
)
def test_a_bad_filter_is_400_naming_the_field(lead_a, query):
    response = bearer(lead_a).get(f"/api/v1/assessments/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_a_draft_lists_with_totals_of_its_finished_dimensions(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 4)
    from assessments.models import Answer

    Answer.objects.filter(assessment=draft, question__code="MP-5").delete()
    [row] = bearer(lead_a).get("/api/v1/assessments/").json()["results"]
    totals = {d["code"]: (d["total"], d["answered"]) for d in row["dimensions"]}
    assert totals == {"VO": (20, 5), "CX": (20, 5), "AO": (20, 5), "MP": (None, 4)}
    assert row["overall_total"] is None and row["status"] == "draft"


def test_pages_follow_the_cursor_without_repeats_or_gaps(model_v0, acme, admin_user):
    for number in range(7):
        team = Team.objects.create(organization=acme, name=f"Team {number}", slug=f"t{number}")
        assessment_start(team=team, period=Quarter(2026, 1), user=admin_user)
    client = bearer(admin_user)
    seen, url = [], "/api/v1/assessments/?page_size=3"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen, reverse=True)  # newest first, by id


def test_a_forged_cursor_is_404_not_500(admin_user):
    response = bearer(admin_user).get("/api/v1/assessments/?cursor=bz1hYmM%3D")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_a_read_has_an_etag_and_answers_304_while_unchanged(scored, lead_a):
    client = bearer(lead_a)
    url = f"/api/v1/assessments/{scored.pk}/"
    first = client.get(url)
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag and again.content == b""
    metrics_save(team=scored.team, period=scored.period, user=lead_a, values={"csat": 4})
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_lists_have_etags_too(scored, lead_a):
    client = bearer(lead_a)
    etag = client.get("/api/v1/assessments/")["ETag"]
    assert client.get("/api/v1/assessments/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_draft_is_never_stored_by_a_cache(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    response = bearer(lead_a).get(f"/api/v1/assessments/{draft.pk}/")
    assert response["Cache-Control"] == "private, no-store"
    assert response["ETag"]


def test_model_versions_list_their_structure(model_v0, lead_a):
    client = bearer(lead_a, scope="read")
    [version] = client.get("/api/v1/model-versions/").json()["results"]
    assert version["version"] == "v0"
    detail = client.get(f"/api/v1/model-versions/{version['id']}/").json()
    assert [d["code"] for d in detail["dimensions"]] == ["VO", "CX", "AO", "MP"]
    assert [len(d["questions"]) for d in detail["dimensions"]] == [5, 5, 5, 5]
    assert [s["value"] for s in detail["scale"]] == [1, 2, 3, 4, 5]
    assert detail["bands"][0]["min_total"] == 5


def test_organizations_and_teams_are_those_the_person_may_see(
    team_a, team_b, team_g, lead_a, consultant, admin_user
):
    def names(client, url):
        return sorted(row["name"] for row in client.get(url).json()["results"])

    assert names(bearer(lead_a), "/api/v1/organizations/") == ["Acme Corp"]
    assert names(bearer(lead_a), "/api/v1/teams/") == ["Enterprise Onboarding"]
    assert names(bearer(consultant), "/api/v1/teams/") == [
        "Enterprise Onboarding",
        "SMB Onboarding",
    ]
    assert names(bearer(admin_user), "/api/v1/organizations/") == ["Acme Corp", "Globex"]
    assert names(bearer(admin_user), "/api/v1/teams/?organization=globex") == ["Globex Onboarding"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_2_and_20_assessments(model_v0, acme, admin_user):
    _row, token = token_create(user=admin_user, name="q", scope="read", expires_in_days=None)
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    teams = [Team.objects.create(organization=acme, name=f"T{n}", slug=f"t{n}") for n in range(20)]
    for team in teams[:2]:
        submit(team, admin_user, Quarter(2026, 1), 3)
    client.get("/api/v1/assessments/")  # warm: the model's structure, last_used_at
    two = _queries(client, "/api/v1/assessments/")
    for team in teams[2:]:
        submit(team, admin_user, Quarter(2026, 1), 3)
    twenty = _queries(client, "/api/v1/assessments/")
    assert two == twenty <= 4


def test_the_read_costs_the_same_queries_whatever_the_answers_and_actions(
    model_v0, team_a, team_b, lead_a, consultant
):
    from rest_framework.test import APIClient

    _row, token = token_create(user=consultant, name="q", scope="read", expires_in_days=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    small = submit(team_a, lead_a, Quarter(2026, 1), 3)
    large = submit(team_b, consultant, Quarter(2026, 1), 4)
    vo = Dimension.objects.get(model=large.model, code="VO")
    for assessment, actions in ((small, 1), (large, 20)):
        theme_choose(assessment=assessment, user=consultant, dimension=vo)
        for n in range(actions):
            action_save(
                assessment=assessment,
                user=consultant,
                wanted=ActionInput(title=f"Step {n}", owner=lead_a),
                people_ids={lead_a.pk},
            )
    client.get(f"/api/v1/assessments/{small.pk}/")  # warm
    assert _queries(client, f"/api/v1/assessments/{small.pk}/") == _queries(
        client, f"/api/v1/assessments/{large.pk}/"
    )
    assert _queries(client, f"/api/v1/assessments/{large.pk}/") <= 16
