"""CSV and JSON exports: the contract, byte for byte, scoped by role."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.periods import Quarter
from assessments.services import assessment_start
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
    header = "organization,team,year,quarter,model_version,question,score,note\n"
    rows_a = []
    for code, score in zip(CODES, [1, 2, 3, 4, 5] * 4, strict=True):
        note = {
            "VO-1": '"Says ""value"", means features"',
            "CX-2": '"\'=HYPERLINK(""http://x"")"',
            "MP-5": '"line one\nline two"',
        }.get(code, "")
        rows_a.append(f"Acme Corp,Enterprise Onboarding,2026,3,v0,{code},{score},{note}\n")
    smb_notes = {"AO-3": "'@risk"}
    rows_b = [
        f"Acme Corp,SMB Onboarding,2026,2,v0,{code},3,{smb_notes.get(code, '')}\n" for code in CODES
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
    assert document["answers"][0] == {
        "question": "VO-1",
        "score": 1,
        "note": 'Says "value", means features',
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
