"""The audit trail: who changed what, when, from what to what, kept after submission."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from catalogue.models import Question
from organizations.models import Team
from tests.conftest import fill, page_form


@pytest.fixture
def draft(model_v0, team_a, lead_a) -> Assessment:
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save_step(client, draft, step, **changes):
    url = reverse("assessments:step", args=[draft.pk, step])
    response = client.post(url, {**page_form(client.get(url)), **changes, "nav": "save"})
    assert response.status_code == 302


def history_rows(client, draft) -> list[list[str]]:
    html = client.get(reverse("assessments:history", args=[draft.pk])).content.decode()
    rows = re.findall(r"<tr>\s*(.*?)\s*</tr>", html, re.S)[1:]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in rows
    ]


def test_each_answer_and_context_change_names_who_when_and_both_values(draft, lead_a, consultant):
    lead, colleague = signed_in(lead_a), signed_in(consultant)
    save_step(lead, draft, 2, **{"VO-1": "2", "VO-1-note": "first look"})
    save_step(colleague, draft, 2, **{"VO-1": "4"})
    save_step(colleague, draft, 1, touch_model="high")
    rows = history_rows(lead, draft)
    # newest first: [when, who, what, before, after]
    assert [row[1:] for row in rows] == [
        ["Casey Consultant", "Touch model", "—", "High touch"],
        ["Casey Consultant", "VO-1 score", "2 – Ad hoc", "4 – Measured"],
        ["Alex Lead", "VO-1 score", "—", "2 – Ad hoc"],
        ["Alex Lead", "VO-1 note", "—", "first look"],
        ["Alex Lead", "Status", "—", "Draft"],
    ]
    assert all(re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d", row[0]) for row in rows)


def test_the_history_is_kept_after_submission_and_records_who_submitted(draft, lead_a):
    fill(draft, 3)
    assessment_submit(assessment=draft, user=lead_a)
    rows = history_rows(signed_in(lead_a), draft)
    assert rows[0][1:] == ["Alex Lead", "Status", "Draft", "Submitted"]
    assert len([row for row in rows if row[2].endswith(" score")]) == 20
    report = signed_in(lead_a).get(reverse("assessments:report", args=[draft.pk]))
    assert reverse("assessments:history", args=[draft.pk]) in report.content.decode()


def test_wording_assignments_and_permissions_changes_are_recorded(
    model_v0, team_a, lead_a, lead_b, admin_user
):
    question = Question.objects.get(dimension__model=model_v0, code="VO-1")
    question.text = "Reworded by an admin?"
    question._history_user = admin_user
    question.save()
    record = question.history.first()
    assert (record.text, record.history_user, record.history_type) == (
        "Reworded by an admin?",
        admin_user,
        "~",
    )
    assert record.diff_against(record.prev_record).changed_fields == ["text"]

    team_a.leads.add(lead_b)
    latest = Team.history.filter(id=team_a.pk).latest("history_date")
    assert {m.user_id for m in latest.leads.all()} == {lead_a.pk, lead_b.pk}

    group = Group.objects.create(name="Model editors")
    group.permissions.add(Permission.objects.get(codename="change_question"))
    latest = Group.history.filter(id=group.pk).latest("history_date")
    assert [p.permission.codename for p in latest.permissions.all()] == ["change_question"]
    lead_b.is_staff = True
    lead_b.save()
    user_record = type(lead_b).history.filter(id=lead_b.pk).latest("history_date")
    assert user_record.is_staff and not hasattr(user_record, "password")


def test_admins_see_the_history_pages(client, admin_user, model_v0, draft):
    client.force_login(admin_user)
    question = Question.objects.get(dimension__model=model_v0, code="VO-1")
    for url in (
        reverse("admin:catalogue_dimension_history", args=[question.dimension_id]),
        reverse("admin:assessments_assessment_history", args=[draft.pk]),
        reverse("admin:organizations_team_history", args=[draft.team_id]),
        reverse("admin:auth_user_history", args=[admin_user.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_someone_who_may_not_see_the_assessment_gets_404_for_its_history(draft, lead_b):
    assert signed_in(lead_b).get(reverse("assessments:history", args=[draft.pk])).status_code == 404


def test_an_assignment_changed_from_the_persons_side_is_recorded_on_the_team(
    team_a, team_b, lead_a, lead_b
):
    lead_b.led_teams.add(team_a)
    latest = Team.history.filter(id=team_a.pk).latest("history_date")
    assert {m.user_id for m in latest.leads.all()} == {lead_a.pk, lead_b.pk}
    lead_b.led_teams.clear()  # from both teams
    for team, expected in ((team_a, {lead_a.pk}), (team_b, set())):
        latest = Team.history.filter(id=team.pk).latest("history_date")
        assert {m.user_id for m in latest.leads.all()} == expected, team


def test_an_imported_assessment_has_a_history_naming_who_imported_it(
    client, consultant, model_v0, acme, team_a
):
    codes = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]
    rows = [f"Acme Corp,{team_a.name},2025,2,v0,{code},4," for code in codes]
    upload = io.BytesIO(
        (
            "organization,team,year,quarter,model_version,question,score,note\n"
            + "\n".join(rows)
            + "\n"
        ).encode()
    )
    upload.name = "answers.csv"
    client.force_login(consultant)
    response = client.post(reverse("assessments:import", args=["acme"]), {"file": upload})
    assert response.status_code == 302
    imported = Assessment.objects.get(team=team_a, year=2025, quarter=2)
    # The import itself is recorded (who, when); the answers are the file's.
    assert [row[1:] for row in history_rows(client, imported)] == [
        ["Casey Consultant", "Status", "—", "Submitted"]
    ]
    record = imported.history.get()
    assert record.history_change_reason == "imported from a CSV file"
