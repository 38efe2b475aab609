"""Exports of a team's several responses: export.csv keeps the agreed scores only; responses.csv
and `export_assessments --responses` give every counted response's answers with who gave them;
the JSON document lists the respondents and how far each question's answers spread."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessments import imports
from assessments.exports.csv_format import read_csv
from assessments.models import Assessment, Respondent
from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from assessments.team_services import (
    agreed_scores_save,
    respondent_remove,
    respondents_invite,
    response_answers_save,
    response_submit,
)
from catalogue.models import Question
from tests.conftest import fill, make_user, submit

CODES = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]
HEADER_LINE = "organization,team,year,quarter,model_version,question,score,note,respondent\r\n"
AGREED_HEADER_LINE = "organization,team,year,quarter,model_version,question,score,note\r\n"
ENTERPRISE = ("Acme Corp", "Enterprise Onboarding")

# Each person's scores: VO-1 is where they disagree (1, 3 and 5: the lead sets 2 with a reason).
LEAD_SCORES = dict.fromkeys(CODES, 3)
RITA_SCORES = {**dict.fromkeys(CODES, 4), "VO-1": 1}
SAM_SCORES = dict.fromkeys(CODES, 5)


def questions(model) -> dict[str, Question]:
    return {q.code: q for q in Question.objects.filter(dimension__model=model)}


def answer(respondent: Respondent, scores: dict[str, int], notes: dict[str, str] | None = None):
    notes = notes or {}
    by_code = questions(respondent.assessment.model)
    response_answers_save(
        respondent=respondent,
        answers={by_code[code]: (score, notes.get(code, "")) for code, score in scores.items()},
    )


def team_quarter(team, lead, quarter: Quarter, people, *, anonymous: bool = False) -> Assessment:
    """A team assessment answered by the lead, Rita and Sam; Rex answered and was removed,
    Ivy has not finished. The lead agrees VO-1 at 2 (the default is 3) and submits."""
    rita, sam, rex, ivy = people
    assessment, _ = assessment_start(team=team, period=quarter, user=lead)
    fill(assessment, LEAD_SCORES, {"VO-1": "lead note"})
    invited = respondents_invite(
        assessment=assessment, users=[rita, sam, rex, ivy], invited_by=lead, anonymous=anonymous
    )
    by_user = {r.user: r for r in invited}
    answer(by_user[rita], RITA_SCORES, {"CX-2": "=risky, really", "VO-1": "not yet"})
    response_submit(respondent=by_user[rita])
    answer(by_user[sam], SAM_SCORES)
    response_submit(respondent=by_user[sam])
    answer(by_user[rex], dict.fromkeys(CODES, 1), {"AO-1": "rex was here"})
    response_submit(respondent=by_user[rex])
    respondent_remove(respondent=by_user[rex])
    answer(by_user[ivy], {"VO-1": 2, "VO-2": 2}, {"VO-2": "ivy draft"})
    agreed_scores_save(
        assessment=assessment, agreed={questions(assessment.model)["VO-1"]: (2, "Piloting only")}
    )
    return assessment_submit(assessment=assessment, user=lead)


@pytest.fixture
def people(db):
    return [make_user(name) for name in ("rita", "sam", "rex", "ivy")]


@pytest.fixture
def named(model_v0, team_a, lead_a, people) -> Assessment:
    return team_quarter(team_a, lead_a, Quarter(2026, 3), people)


@pytest.fixture
def anonymous(model_v0, team_a, lead_a, people) -> Assessment:
    return team_quarter(team_a, lead_a, Quarter(2026, 2), people, anonymous=True)


@pytest.fixture
def imported(model_v0, acme, team_b) -> Assessment:
    lines = AGREED_HEADER_LINE + "".join(
        f"Acme Corp,SMB Onboarding,2026,1,v0,{code},2,\r\n" for code in CODES
    )
    (assessment,) = imports.assessments_import(
        rows=read_csv(io.StringIO(lines, newline="")), organization=acme
    ).assessments
    return assessment


@pytest.fixture
def open_draft(model_v0, team_a, lead_a, people) -> Assessment:
    """A draft whose invited respondent has submitted: never exported."""
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 4)
    (response,) = respondents_invite(assessment=draft, users=[people[0]], invited_by=lead_a)
    answer(response, dict.fromkeys(CODES, 1), {"MP-1": "draft only"})
    response_submit(respondent=response)
    return draft


def responses_body(client, slug: str = "acme") -> str:
    response = client.get(reverse("assessments:export-responses-csv", args=[slug]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def parsed(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body, newline="")))[1:]


def expected_named_rows() -> list[list[str]]:
    rows = []
    for code in CODES:
        for who, scores, notes in (
            ("rita", RITA_SCORES, {"CX-2": "'=risky, really", "VO-1": "not yet"}),
            ("sam", SAM_SCORES, {}),
            ("lead_a", LEAD_SCORES, {"VO-1": "lead note"}),
        ):
            rows.append(
                [*ENTERPRISE, "2026", "3", "v0", code, str(scores[code]), notes.get(code, ""), who]
            )
    return rows


def test_responses_csv_has_the_agreed_header_and_a_respondent_column(client, admin_user, named):
    client.force_login(admin_user)
    response = client.get(reverse("assessments:export-responses-csv", args=["acme"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-onboarding-maturity-responses.csv"'
    )
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    body = b"".join(response.streaming_content).decode()
    assert body.startswith(HEADER_LINE)
    assert body.splitlines()[0] + "\r\n" == HEADER_LINE


def test_responses_csv_has_one_row_per_counted_answer_in_a_stable_order(
    client, admin_user, named, imported, open_draft
):
    """Per question, each counted response in the order it was made (the lead's is kept at
    submission, so last); the removed, the unfinished and the draft's never appear."""
    client.force_login(admin_user)
    body = responses_body(client)
    rows = parsed(body)
    imported_rows = [
        ["Acme Corp", "SMB Onboarding", "2026", "1", "v0", code, "2", "", "imported"]
        for code in CODES
    ]
    assert rows == expected_named_rows() + imported_rows
    assert responses_body(client) == body


def test_a_removed_respondent_and_an_unfinished_response_are_never_exported(
    client, admin_user, named
):
    client.force_login(admin_user)
    body = responses_body(client)
    assert "rex" not in body and "rex was here" not in body
    assert "ivy" not in body
    assert {row[8] for row in parsed(body)} == {"rita", "sam", "lead_a"}
    # Rex's answers were all 1: the only 1 left is Rita's VO-1.
    assert [row[5:] for row in parsed(body) if row[6] == "1"] == [["VO-1", "1", "not yet", "rita"]]


def test_a_draft_is_never_exported_even_with_a_submitted_response(client, admin_user, open_draft):
    client.force_login(admin_user)
    body = responses_body(client)
    assert body == HEADER_LINE
    assert "draft only" not in body


def test_an_anonymous_assessment_exports_opaque_ids_that_stay_the_same(
    client, admin_user, anonymous
):
    client.force_login(admin_user)
    first, second = responses_body(client), responses_body(client)
    assert first == second
    rows = parsed(first)
    assert len(rows) == 3 * len(CODES)
    counted = Respondent.objects.filter(
        assessment=anonymous, status="submitted", removed_at__isnull=True
    ).order_by("created_at", "pk")
    expected_ids = [f"anon-{r.public_id}" for r in counted]
    assert [row[8] for row in rows[:3]] == expected_ids  # the lead's included, made last
    assert {row[8] for row in rows} == set(expected_ids)
    for name in ("rita", "sam", "lead_a", "Alex", "rex", "ivy"):
        assert name not in first
    assert len(set(expected_ids)) == 3
    for respondent_id in expected_ids:
        assert len(respondent_id) == len("anon-") + 12


def test_a_team_lead_exports_only_their_own_teams_responses(client, lead_b, named, imported):
    client.force_login(lead_b)
    rows = parsed(responses_body(client))
    assert {tuple(row[:2]) for row in rows} == {("Acme Corp", "SMB Onboarding")}
    assert len(rows) == len(CODES)


def test_another_organizations_responses_are_not_found(
    client, lead_a, outside_consultant, named, globex
):
    client.force_login(lead_a)
    url = reverse("assessments:export-responses-csv", args=["globex"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("assessments:export-responses-csv", args=["nope"])).status_code == 404
    client.force_login(outside_consultant)
    acme_url = reverse("assessments:export-responses-csv", args=["acme"])
    assert client.get(acme_url).status_code == 404


def test_the_dashboard_links_the_responses_export(client, lead_a, team_a):
    client.force_login(lead_a)
    page = client.get(reverse("assessments:dashboard")).content.decode()
    url = reverse("assessments:export-responses-csv", args=["acme"])
    assert f'href="{url}">Export responses CSV' in page


def test_the_command_writes_what_the_page_serves(
    client, admin_user, named, imported, open_draft, team_g, globex
):
    submit(team_g, admin_user, Quarter(2026, 1), 3)
    client.force_login(admin_user)
    out = io.StringIO()
    call_command("export_assessments", "--responses", "--organization", "acme", stdout=out)
    assert out.getvalue() == responses_body(client)
    everything = io.StringIO()
    call_command("export_assessments", "--responses", stdout=everything)
    assert everything.getvalue() == HEADER_LINE + "".join(
        responses_body(client, slug).removeprefix(HEADER_LINE) for slug in ("acme", "globex")
    )
    assert "Globex Onboarding" in everything.getvalue()


def test_the_command_refuses_responses_as_json(named):
    with pytest.raises(CommandError, match="--responses writes CSV only"):
        call_command("export_assessments", "--responses", "--format", "json", stdout=io.StringIO())


def test_the_agreed_csv_keeps_its_contract_with_several_responses(client, admin_user, named):
    client.force_login(admin_user)
    response = client.get(reverse("assessments:export-csv", args=["acme"]))
    body = b"".join(response.streaming_content).decode()
    lines = [
        f"Acme Corp,Enterprise Onboarding,2026,3,v0,{code},{4 if code != 'VO-1' else 2},"
        + ("lead note" if code == "VO-1" else "")
        + "\r\n"
        for code in CODES
    ]
    assert body == AGREED_HEADER_LINE + "".join(lines)


def json_document(client, assessment: Assessment) -> dict:
    response = client.get(reverse("assessments:export-json", args=[assessment.pk]))
    assert response.status_code == 200
    return response.json()


def test_json_lists_the_counted_respondents_and_each_answers_spread(client, consultant, named):
    client.force_login(consultant)
    document = json_document(client, named)
    submitted = Respondent.objects.filter(assessment=named, status="submitted")
    submitted_at = {r.user.username: r.submitted_at.isoformat() for r in submitted}
    assert document["respondents"] == {
        "count": 3,
        "anonymous": False,
        "people": [
            {"id": "rita", "kind": "invited", "submitted_at": submitted_at["rita"]},
            {"id": "sam", "kind": "invited", "submitted_at": submitted_at["sam"]},
            {"id": "lead_a", "kind": "lead", "submitted_at": submitted_at["lead_a"]},
        ],
    }
    answers = {a["question"]: a for a in document["answers"]}
    assert answers["VO-1"] == {
        "question": "VO-1",
        "score": 2,
        "note": "lead note",
        "spread": 4,
        "median": 3.0,
        "distribution": {"1": 1, "3": 1, "5": 1},
        "agreed_by_lead": True,
        "reason": "Piloting only",
    }
    assert answers["CX-2"] == {
        "question": "CX-2",
        "score": 4,
        "note": "",
        "spread": 2,
        "median": 4.0,
        "distribution": {"3": 1, "4": 1, "5": 1},
        "agreed_by_lead": False,
        "reason": "",
    }
    # Every key the document had before several respondents is still there, unchanged.
    assert list(document) == [
        "organization",
        "organization_slug",
        "team",
        "year",
        "quarter",
        "model_version",
        "status",
        "submitted_at",
        "dimensions",
        "overall_total",
        "max_overall",
        "respondents",
        "answers",
        "plan",  # the improvement loop's (tests/test_plan_verdict_and_exports.py)
        "peer_benchmark",  # cohort figures or null (tests/test_benchmark_data.py)
    ]
    assert [a["question"] for a in document["answers"]] == CODES


def test_json_of_an_anonymous_assessment_uses_the_csvs_opaque_ids(client, admin_user, anonymous):
    client.force_login(admin_user)
    document = json_document(client, anonymous)
    csv_ids = list(dict.fromkeys(row[8] for row in parsed(responses_body(client))))
    assert document["respondents"]["anonymous"] is True
    assert [p["id"] for p in document["respondents"]["people"]] == csv_ids
    assert [p["kind"] for p in document["respondents"]["people"]] == ["invited", "invited", "lead"]
    text = json.dumps(document)
    for name in ("rita", "sam", "lead_a"):
        assert name not in text


def test_json_of_an_imported_assessment_has_the_one_imported_respondent(
    client, consultant, imported
):
    client.force_login(consultant)
    document = json_document(client, imported)
    (person,) = document["respondents"]["people"]
    assert (person["id"], person["kind"]) == ("imported", "imported")
    assert document["respondents"]["count"] == 1
    assert {(a["spread"], a["median"], a["agreed_by_lead"]) for a in document["answers"]} == {
        (0, 2.0, False)
    }
    assert document["answers"][0]["distribution"] == {"2": 1}


def test_the_json_command_carries_the_same_respondents_and_spreads(client, admin_user, named):
    client.force_login(admin_user)
    out = io.StringIO()
    call_command("export_assessments", "--format", "json", stdout=out)
    (document,) = json.loads(out.getvalue())
    assert document == json_document(client, named)


def test_an_invited_respondent_gets_no_names_in_the_json_and_no_responses_csv(
    client, people, named
):
    rita = people[0]
    client.force_login(rita)
    document = json_document(client, named)
    counted = Respondent.objects.filter(
        assessment=named, status="submitted", removed_at__isnull=True
    ).order_by("created_at", "pk")
    assert document["respondents"]["anonymous"] is False  # the assessment's own setting
    assert [p["id"] for p in document["respondents"]["people"]] == [
        f"anon-{r.public_id}" for r in counted
    ]
    text = json.dumps(document)
    for name in ("rita", "sam", "lead_a"):
        assert name not in text
    url = reverse("assessments:export-responses-csv", args=["acme"])
    assert client.get(url).status_code == 404
