"""CSV import through the API: the browser's import, all or nothing, the same line errors."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.models import IdempotencyKey
from assessments import imports
from assessments.exports import csv_format
from assessments.models import Assessment
from organizations.models import Team
from tests.api_support import bearer, fresh_rate_limits  # noqa: F401

pytestmark = pytest.mark.django_db
HEADER = "organization,team,year,quarter,model_version,question,score,note\n"
CODES = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]


def rows(org="Acme Corp", team="Enterprise Onboarding", year=2026, quarter=2, score=3) -> str:
    return "".join(f"{org},{team},{year},{quarter},v0,{code},{score},\n" for code in CODES)


def send(client: APIClient, body: str | bytes, *, slug="acme", query="", **headers):
    data = body.encode() if isinstance(body, str) else body
    return client.post(
        f"/api/v1/organizations/{slug}/import/{query}", data, content_type="text/csv", **headers
    )


def test_a_consultant_imports_submitted_assessments(model_v0, acme, team_a, consultant):
    response = send(bearer(consultant), HEADER + rows() + rows(quarter=3, score=5))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(a["team"], a["year"], a["quarter"]) for a in body["assessments"]] == [
        ("Enterprise Onboarding", 2026, 2),
        ("Enterprise Onboarding", 2026, 3),
    ]
    assert body["summary"].startswith("Imported 2 submitted assessment(s).")
    assert set(Assessment.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_refused_file_names_every_line_and_column_and_imports_nothing(
    model_v0, acme, team_a, consultant
):
    bad = rows().replace(",VO-2,3,", ",VO-2,7,").replace(",CX-1,3,", ",XX-1,3,")
    body = HEADER + rows(quarter=3) + bad
    response = send(bearer(consultant), body)
    assert response.status_code == 400
    problems = response.json()["problems"]
    # Exactly the problems the browser's import lists, from the same reader and service.
    with pytest.raises(imports.ImportRejected) as browser:
        imports.assessments_import(
            rows=csv_format.read_csv(body.splitlines(keepends=True)),
            organization=acme,
            create_teams=False,
        )
    assert [p["text"] for p in problems] == [str(p) for p in browser.value.problems]
    assert {(p["line"], p["column"]) for p in problems} >= {(23, "score"), (27, "question")}
    assert not Assessment.objects.exists()


def test_an_unknown_team_is_a_problem_unless_asked_to_create_it(model_v0, acme, consultant):
    client = bearer(consultant)
    refused = send(client, HEADER + rows(team="Renewals"))
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["column"] == "team"
    created = send(client, HEADER + rows(team="Renewals"), query="?create_teams=true")
    assert created.status_code == 201
    assert created.json()["teams_created"] == ["Acme Corp / Renewals"]
    assert Team.objects.filter(name="Renewals").exists()


def test_rows_of_another_organization_are_refused(model_v0, acme, globex, consultant):
    response = send(bearer(consultant), HEADER + rows(org="Globex"), query="?create_teams=1")
    assert response.status_code == 400
    assert response.json()["problems"][0]["column"] == "organization"
    assert not Assessment.objects.exists()


def test_a_file_that_is_not_utf8_is_400(model_v0, acme, consultant):
    response = send(bearer(consultant), (HEADER + rows()).encode("utf-16"))
    assert response.status_code == 400
    assert response.json()["code"] == "not_utf8"


def test_an_empty_file_is_400(model_v0, acme, consultant):
    response = send(bearer(consultant), b"")
    assert response.status_code == 400
    assert response.json()["problems"][0]["message"] == "the file is empty"


def test_json_instead_of_csv_is_415(acme, consultant):
    response = bearer(consultant).post(
        "/api/v1/organizations/acme/import/", {"rows": []}, format="json"
    )
    assert response.status_code == 415


def test_leads_and_outsiders_get_404(model_v0, acme, team_a, lead_a, outside_consultant):
    for person in (lead_a, outside_consultant):
        assert send(bearer(person), HEADER + rows()).status_code == 404
    assert not Assessment.objects.exists()


def test_a_read_only_token_cannot_import(model_v0, acme, team_a, consultant):
    assert send(bearer(consultant, scope="read"), HEADER + rows()).status_code == 403


def test_resending_with_the_same_key_replays_and_imports_once(model_v0, acme, team_a, consultant):
    client = bearer(consultant)
    first = send(client, HEADER + rows(), HTTP_IDEMPOTENCY_KEY="import-1")
    again = send(client, HEADER + rows(), HTTP_IDEMPOTENCY_KEY="import-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Assessment.objects.count() == 1
    other = send(client, HEADER + rows(quarter=4), HTTP_IDEMPOTENCY_KEY="import-1")
    assert other.status_code == 422
    assert Assessment.objects.count() == 1
    # Without the key a resend is refused by the import itself: that quarter exists.
    assert send(client, HEADER + rows()).status_code == 400


def test_a_busy_database_is_503_and_the_key_may_be_sent_again(
    model_v0, acme, team_a, consultant, monkeypatch
):
    def busy(**kwargs):
        raise imports.ImportBusy("Another import into the same organization was still being saved")

    monkeypatch.setattr(imports, "assessments_import", busy)
    response = send(bearer(consultant), HEADER + rows(), HTTP_IDEMPOTENCY_KEY="busy-1")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert not IdempotencyKey.objects.filter(key="busy-1").exists()
