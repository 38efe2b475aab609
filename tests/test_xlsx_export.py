"""export.xlsx: the CSV exports and a heatmap as sheets, scoped like export.csv, never formulas."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.exports.csv_format import HEADER, PLAN_HEADER
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, action_save, theme_choose
from catalogue.models import Dimension
from organizations.models import Team
from tests.conftest import make_user, submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CRITICAL, CAUTION, GOOD = "FFB02A37", "FFFFD166", "FF1E7B4D"


@pytest.fixture
def hostile_team(acme, consultant):
    return Team.objects.create(organization=acme, name="=cmd()", slug="hostile")


@pytest.fixture
def data(model_v0, team_a, lead_a, team_b, lead_b, hostile_team, consultant, team_g):
    earlier = submit(team_a, lead_a, Quarter(2026, 2), 2)  # 10 per dimension: critical
    latest = submit(team_a, lead_a, Quarter(2026, 3), 4, notes={"MP-1": "+1 on last quarter"})
    submit(hostile_team, consultant, Quarter(2026, 3), 3)  # 15: caution
    globex_lead = make_user("globex_lead")
    team_g.leads.add(globex_lead)
    submit(team_g, globex_lead, Quarter(2026, 3), 5, notes={"MP-1": "Globex secret"})
    theme_choose(
        assessment=latest, user=lead_a, dimension=Dimension.objects.get(model=model_v0, code="VO")
    )
    action_save(
        assessment=latest,
        user=lead_a,
        wanted=ActionInput(title="@SUM(A1) the value story", owner_name="-Sam"),
        people_ids=set(),
    )
    return {"earlier": earlier, "latest": latest}


def export(client, user, slug="acme", **params):
    client.force_login(user)
    return client.get(reverse("assessments:export-xlsx", args=[slug]), params)


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def values(sheet) -> list[list]:
    return [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]


def csv_rows(client, url_name: str) -> list[list[str]]:
    response = client.get(reverse(url_name, args=["acme"]))
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def as_text(rows: list[list]) -> list[list[str]]:
    return [[str(value) for value in row] for row in rows]


def heatmap_rows(workbook) -> dict[str, list]:
    """The heatmap's team rows by team name (first column)."""
    rows = list(workbook["Heatmap"].iter_rows())
    body = rows[1 : 1 + next(i for i, row in enumerate(rows[1:]) if row[0].value is None)]
    return {row[0].value: row for row in body}


def test_the_workbook_is_an_attachment_of_its_own_type(client, data, consultant):
    response = export(client, consultant)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-onboarding-maturity.xlsx"'
    )
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    assert workbook_of(response).sheetnames == ["Scores", "Heatmap", "Plan"]


def test_the_scores_sheet_is_the_csv_export_as_cells(client, data, consultant):
    workbook = workbook_of(export(client, consultant))
    scores = values(workbook["Scores"])
    assert tuple(scores[0]) == HEADER
    assert as_text(scores) == csv_rows(client, "assessments:export-csv")
    assert len(scores) == 1 + 3 * 20


def test_numbers_are_numbers_and_text_is_text(client, data, consultant):
    sheet = workbook_of(export(client, consultant))["Scores"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "Enterprise Onboarding")
    organization, team, year, quarter, version, question, score, _note = row
    assert (year.value, quarter.value, score.value) == (2026, 2, 2)
    assert year.data_type == score.data_type == "n"
    assert organization.data_type == team.data_type == version.data_type == "s"


def test_text_a_spreadsheet_would_run_is_defused_and_stored_as_text(client, data, consultant):
    workbook = workbook_of(export(client, consultant))
    hostile = [c for c in workbook["Scores"]["B"] if c.value == "'=cmd()"]
    assert len(hostile) == 20
    assert all(c.data_type == "s" for c in hostile)
    note = next(c for c in workbook["Scores"]["H"] if c.value and "last quarter" in c.value)
    assert (note.value, note.data_type) == ("'+1 on last quarter", "s")
    assert "'=cmd()" in heatmap_rows(workbook)
    plan = values(workbook["Plan"])
    assert plan[1][5:7] == ["'@SUM(A1) the value story", "'-Sam"]
    for sheet in workbook:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_a_team_named_like_an_error_value_stays_text(client, data, consultant, acme):
    Team.objects.filter(slug="hostile").update(name="#N/A")
    cell = next(c for c in workbook_of(export(client, consultant))["Scores"]["B"] if c.row > 1)
    assert (cell.value, cell.data_type) == ("#N/A", "s")


def test_characters_a_workbook_cannot_hold_do_not_break_the_export(client, data, consultant):
    from assessments.models import Answer

    Answer.objects.filter(assessment=data["latest"], question__code="MP-2").update(
        note="pasted\x0bfrom\x1fWord"  # both illegal in a workbook; NUL cannot be stored
    )
    sheet = workbook_of(export(client, consultant))["Scores"]
    assert any(c.value == "pasted from Word" for c in sheet["H"])


def test_the_heatmap_shows_each_team_latest_quarter_in_band_colours(client, data, consultant):
    workbook = workbook_of(export(client, consultant))
    header = [c.value for c in workbook["Heatmap"][1]]
    names = list(
        Dimension.objects.filter(model=data["latest"].model)
        .order_by("order")
        .values_list("name", flat=True)
    )
    assert header[:5] == ["team", "quarter", "model_version", names[0], f"{names[0]}: band"]
    assert len(header) == 3 + 2 * len(names)

    rows = heatmap_rows(workbook)
    assert list(rows) == ["'=cmd()", "Enterprise Onboarding", "SMB Onboarding"]
    enterprise = rows["Enterprise Onboarding"]
    assert [c.value for c in enterprise[:5]] == [
        "Enterprise Onboarding",
        "2026 Q3",
        "v0",
        20,
        "Excellent",
    ]
    assert {c.fill.fgColor.rgb for c in enterprise[3:]} == {GOOD}
    hostile = rows["'=cmd()"]
    assert [c.value for c in hostile[3:5]] == [15, "Room for improvement"]
    assert {c.fill.fgColor.rgb for c in hostile[3:]} == {CAUTION}
    assert rows["SMB Onboarding"][1].value == "Nothing submitted yet"
    assert rows["SMB Onboarding"][3].value is None

    legend = [c.value for c in workbook["Heatmap"]["A"] if c.value and c.value[0].isdigit()]
    assert legend == [
        "5-10: Needs immediate attention",
        "11-18: Room for improvement",
        "19-25: Excellent",
    ]


def test_a_chosen_quarter_shows_that_quarter(client, data, consultant):
    response = export(client, consultant, quarter="2026Q2")
    assert response["Content-Disposition"].endswith('-2026Q2.xlsx"')
    rows = heatmap_rows(workbook_of(response))
    enterprise = rows["Enterprise Onboarding"]
    assert [c.value for c in enterprise[1:5]] == ["2026 Q2", "v0", 10, "Needs immediate attention"]
    assert {c.fill.fgColor.rgb for c in enterprise[3:]} == {CRITICAL}
    assert rows["'=cmd()"][1].value == "Not submitted for 2026 Q2"


def test_a_quarter_that_is_not_one_is_refused(client, data, consultant):
    assert export(client, consultant, quarter="2026Q7").status_code == 400


def test_the_plan_sheet_is_the_plan_csv_as_cells(client, data, consultant):
    plan = values(workbook_of(export(client, consultant))["Plan"])
    assert tuple(plan[0]) == PLAN_HEADER
    assert as_text(plan) == csv_rows(client, "assessments:export-plan-csv")
    assert len(plan) == 2


def all_text(workbook) -> str:
    return "\n".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row)


def test_another_organizations_data_is_absent_even_for_an_admin(client, data, admin_user):
    text = all_text(workbook_of(export(client, admin_user)))
    assert "Acme Corp" in text
    assert "Globex" not in text and "secret" not in text


def test_a_lead_exports_only_their_own_teams_rows(client, data, lead_b, lead_a):
    workbook = workbook_of(export(client, lead_b))
    assert values(workbook["Scores"])[1:] == []
    assert list(heatmap_rows(workbook)) == ["SMB Onboarding"]
    assert "Enterprise" not in all_text(workbook) and "cmd" not in all_text(workbook)

    workbook = workbook_of(export(client, lead_a))
    assert {row[1] for row in values(workbook["Scores"])[1:]} == {"Enterprise Onboarding"}
    assert list(heatmap_rows(workbook)) == ["Enterprise Onboarding"]


@pytest.mark.parametrize("slug", ["acme", "nobody"])
def test_an_organization_you_may_not_see_answers_404(client, data, outside_consultant, slug):
    assert export(client, outside_consultant, slug=slug).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, data):
    response = client.get(reverse("assessments:export-xlsx", args=["acme"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_number_of_queries_does_not_grow_with_teams_and_quarters(
    client, data, consultant, acme, model_v0
):
    client.force_login(consultant)
    url = reverse("assessments:export-xlsx", args=["acme"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            workbook_of(client.get(url))
        return len(captured)

    queries()  # the model's structure is read once per process, then kept in memory
    before = queries()
    for index in range(4):
        team = Team.objects.create(organization=acme, name=f"Team {index}", slug=f"team-{index}")
        for quarter in (1, 2, 3):
            submit(team, consultant, Quarter(2025, quarter), 3)
    assert queries() == before
    # Session and user, the organization, its teams, their assessments, their answers' scores,
    # the scores sheet's answers and the plan's actions.
    assert before <= 8
