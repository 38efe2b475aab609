"""Issue 12, items 6 and 8: the verdict on last quarter's theme at the top of the next report,
and the plan in the PDF, the JSON export and the organization's plan.csv."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import plan as plan_reads
from assessments import plan_services
from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, TargetInput
from catalogue.models import Dimension, Question
from tests.conftest import submit
from tests.test_pdf import read, text_of

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
CODES = ["VO", "CX", "AO", "MP"]


def scores(mp: list[int], rest: int = 3) -> dict[str, int]:
    """Every question `rest`, MP-1..MP-5 as given."""
    codes = Question.objects.filter(dimension__model__version="v0").values_list("code", flat=True)
    return {code: mp[int(code[-1]) - 1] if code.startswith("MP") else rest for code in codes}


def page_text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page_text(response) -> str:
    return page_text_of(response.content.decode())


def choose_theme(assessment: Assessment, user, code: str = "MP", reason: str = "") -> None:
    dimension = Dimension.objects.get(model=assessment.model, code=code)
    plan_services.theme_choose(assessment=assessment, user=user, dimension=dimension, reason=reason)


def add_action(assessment: Assessment, user, title: str, status: str, **extra) -> None:
    plan_services.action_save(
        assessment=assessment,
        user=user,
        wanted=ActionInput(title=title, status=status, **extra),
        people_ids={user.pk},
    )


def record(team, period: Quarter, user, **values) -> None:
    plan_services.metrics_save(team=team, period=period, user=user, values=values)


@pytest.fixture
def loop(model_v0, team_a, lead_a):
    """Q1: MP 9, theme MP, four actions in every state, two figures; Q2: MP 12, figures."""
    first = submit(team_a, lead_a, Q1, scores([2, 2, 2, 2, 1]))
    choose_theme(first, lead_a, reason="Nothing is measured")
    add_action(first, lead_a, "Weekly onboarding dashboard", "done")
    add_action(first, lead_a, "Audit the playbook", "dropped")
    add_action(first, lead_a, "Automate kickoff", "doing")
    add_action(first, lead_a, "Time-to-value survey", "planned")
    record(team_a, Q1, lead_a, time_to_value_days=60, csat=Decimal("3.5"))
    record(team_a, Q2, lead_a, time_to_value_days=45, csat=Decimal("4.1"), nps=20)
    second = submit(team_a, lead_a, Q2, scores([3, 3, 2, 2, 2]))
    return first, second


def report(client, user, assessment):
    client.force_login(user)
    return client.get(reverse("assessments:report", args=[assessment.pk]))


# --- 1. The verdict ---------------------------------------------------------------------------


def test_the_next_report_opens_with_the_verdict_on_the_last_theme(client, lead_a, loop):
    _, second = loop
    response = report(client, lead_a, second)
    assert response.status_code == 200
    text = page_text(response)
    assert "Last theme: Manageability & Productivity (2026 Q1)" in text
    assert (
        "Manageability & Productivity 9 → 12, +3, Needs immediate attention → Room for improvement"
        in text
    )
    assert "Its actions: 1 done, 1 dropped, 2 open." in text
    # Each figure recorded in either quarter, both values and the change.
    assert "Time to value (days) 60 45 -15" in text
    assert "Onboarding CSAT (1-5) 3.5 4.1 +0.6" in text
    assert "Post-onboarding NPS (-100 to 100) not recorded 20 –" in text
    html = response.content.decode()
    verdict = page_text_of(html[html.index('id="verdict"') : html.index("</section>")])
    assert "Time to first value" not in verdict  # recorded in neither quarter
    # It opens the report: before the summary and the theme of the next quarter.
    assert html.index('id="verdict"') < html.index('id="plan"')


def test_a_band_that_held_says_band_unchanged(client, model_v0, team_a, lead_a):
    first = submit(team_a, lead_a, Q1, scores([3, 3, 2, 2, 2]))  # MP 12
    choose_theme(first, lead_a)
    second = submit(team_a, lead_a, Q2, scores([3, 3, 3, 3, 3]))  # MP 15
    verdict = plan_reads.verdict_for(second, second_result(second))
    assert (verdict.before, verdict.after, verdict.delta) == (12, 15, 3)
    assert not verdict.band_changed
    assert verdict.actions.total == 0
    text = page_text(report(client, lead_a, second))
    assert "Manageability & Productivity 12 → 15, +3, band unchanged" in text
    assert "No actions were planned under it." in text
    assert "No outcome figures were recorded for these quarters." in text


def second_result(assessment):
    from assessments.reports import build_report

    return build_report(assessment).result


def test_no_verdict_without_an_earlier_theme(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Q1, 3)  # submitted, but no theme chosen
    second = submit(team_a, lead_a, Q2, 3)
    assert plan_reads.verdict_for(second, second_result(second)) is None
    assert 'id="verdict"' not in report(client, lead_a, second).content.decode()


def test_the_latest_earlier_theme_counts_and_a_later_quarter_never_does(
    model_v0, team_a, team_b, lead_a, lead_b
):
    first = submit(team_a, lead_a, Q1, scores([2, 2, 2, 2, 1]))
    choose_theme(first, lead_a, "MP")
    second = submit(team_a, lead_a, Q2, 3)  # no theme: the verdict reaches back to Q1
    later = submit(team_a, lead_a, Q3, 3)
    choose_theme(later, lead_a, "VO")  # after Q2: not Q2's verdict
    other = submit(team_b, lead_b, Q1, 3)
    choose_theme(other, lead_b, "CX")  # another team's theme: never
    verdict = plan_reads.verdict_for(second, second_result(second))
    assert (verdict.dimension_code, verdict.before, verdict.after) == ("MP", 9, 15)
    q3 = plan_reads.verdict_for(later, second_result(later))
    assert q3.dimension_code == "MP"  # Q1's still: Q2 chose none


def test_the_verdict_reads_in_a_fixed_number_of_queries(model_v0, team_a, lead_a):
    first = submit(team_a, lead_a, Q1, scores([2, 2, 2, 2, 1]))
    choose_theme(first, lead_a)
    add_action(first, lead_a, "One", "done")
    second = submit(team_a, lead_a, Q2, 3)
    result = second_result(second)
    plan_reads.verdict_for(second, result)  # warm the model structure cache
    with CaptureQueriesContext(connection) as few:
        plan_reads.verdict_for(second, result)
    for n in range(6):
        add_action(first, lead_a, f"More {n}", "planned")
    record(team_a, Q1, lead_a, time_to_value_days=60, csat=Decimal("3.5"), nps=1)
    record(team_a, Q2, lead_a, time_to_value_days=50, csat=Decimal("4"), nps=5)
    with CaptureQueriesContext(connection) as many:
        verdict = plan_reads.verdict_for(second, result)
    assert verdict.actions.open == 6 and len(verdict.metrics) == 3
    assert len(many) == len(few) <= 4


# --- 2. The PDF's plan page -------------------------------------------------------------------


def pdf_text(client, user, assessment) -> str:
    client.force_login(user)
    response = client.get(reverse("assessments:report-pdf", args=[assessment.pk]))
    assert response.status_code == 200
    return text_of(read(response))


def test_the_pdf_has_a_plan_page_with_targets_theme_actions_figures_and_verdict(
    client, lead_a, team_a, loop
):
    first, second = loop
    plan_services.targets_save(
        team=team_a,
        user=lead_a,
        targets={
            "MP": TargetInput(18),
            "CX": TargetInput(None, for_stage=True, reason="Few customers a year"),
        },
        codes=CODES,
    )
    choose_theme(second, lead_a, "MP", reason="Still the weakest")
    add_action(
        second,
        lead_a,
        "Publish milestone metrics",
        "doing",
        owner_name="Dana Ops",
        due_date=datetime.date(2026, 5, 15),
    )
    text = pdf_text(client, lead_a, second)
    assert "(12) 2026 Q2 2026 Q1 Target Customer" in text  # the radar's legend has the ring
    plan = text[text.index("Plan Last theme") :]
    assert (
        "Last theme (2026 Q1): Manageability & Productivity 9 → 12, +3, "
        "Needs immediate attention → Room for improvement" in plan
    )
    assert "Its actions: 1 done, 1 dropped, 2 open." in plan
    assert "Time to value (days) 60 45 -15" in plan
    assert "Manageability & Productivity 12 18 6 below target" in plan
    assert "CX & Delivery (right for our stage: Few customers a year)" in plan
    assert "Next quarter's theme: Manageability & Productivity" in plan
    assert "Why: Still the weakest" in plan
    assert "Publish milestone metrics Dana Ops 15 May 2026 Doing" in plan
    assert "Outcome figures, 2026 Q2" in plan
    assert "Onboarding CSAT (1-5) 4.1" in plan
    assert "Post-onboarding NPS (-100 to 100) 20" in plan


def test_the_pdf_has_no_plan_page_without_any_plan(client, model_v0, team_a, lead_a):
    only = submit(team_a, lead_a, Q1, 3)
    assert " Plan " not in f" {pdf_text(client, lead_a, only)} "


# --- 3. The JSON export -----------------------------------------------------------------------


def test_the_json_export_carries_the_plan(client, lead_a, team_a, loop):
    first, _ = loop
    plan_services.targets_save(
        team=team_a,
        user=lead_a,
        targets={"MP": TargetInput(18), "CX": TargetInput(None, True, "Few customers")},
        codes=CODES,
    )
    mp_1 = Question.objects.get(dimension__model=first.model, code="MP-1")
    dimension = Dimension.objects.get(model=first.model, code="MP")
    plan_services.theme_choose(
        assessment=first, user=lead_a, dimension=dimension, questions=[mp_1], reason="Measure"
    )
    client.force_login(lead_a)
    document = client.get(reverse("assessments:export-json", args=[first.pk])).json()
    assert {"organization", "dimensions", "answers", "respondents"} <= set(document)
    plan = document["plan"]
    assert plan["targets"] == {
        "CX": {"target": None, "right_for_stage": True, "reason": "Few customers"},
        "MP": {"target": 18, "right_for_stage": False, "reason": ""},
    }
    theme = plan["theme"]
    assert (theme["dimension"], theme["questions"], theme["reason"]) == ("MP", ["MP-1"], "Measure")
    assert theme["chosen_by"] == "Alex Lead"
    assert theme["chosen_at"].startswith(str(first.period.year))
    assert [(a["title"], a["status"]) for a in plan["actions"]] == [
        ("Weekly onboarding dashboard", "done"),
        ("Audit the playbook", "dropped"),
        ("Automate kickoff", "doing"),
        ("Time-to-value survey", "planned"),
    ]
    assert plan["actions"][0] == {
        "title": "Weekly onboarding dashboard",
        "owner": "",
        "due_date": None,
        "status": "done",
    }
    # Only the assessment's own quarter (Q1), not Q2's figures.
    assert plan["metrics"] == {"time_to_value_days": 60, "csat": 3.5}
    later = client.get(reverse("assessments:export-json", args=[loop[1].pk])).json()["plan"]
    assert later["metrics"] == {"time_to_value_days": 45, "csat": 4.1, "nps": 20}
    assert later["theme"] is None and later["actions"] == []


def test_the_json_plan_is_empty_without_a_plan(client, lead_a, model_v0, team_a):
    only = submit(team_a, lead_a, Q1, 3)
    client.force_login(lead_a)
    document = client.get(reverse("assessments:export-json", args=[only.pk])).json()
    assert document["plan"] == {"targets": {}, "theme": None, "actions": [], "metrics": {}}


# --- 4. plan.csv ------------------------------------------------------------------------------


def csv_rows(client, user, slug="acme") -> list[str]:
    client.force_login(user)
    response = client.get(reverse("assessments:export-plan-csv", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-onboarding-plan.csv"'
    return b"".join(response.streaming_content).decode().split("\r\n")


@pytest.fixture
def two_teams(loop, team_b, lead_a, lead_b):
    other = submit(team_b, lead_b, Q1, 3)
    choose_theme(other, lead_b, "CX")
    add_action(
        other,
        lead_b,
        "=Shared kickoff deck",
        "planned",
        owner=lead_b,
        due_date=datetime.date(2026, 3, 31),
    )
    return loop, other


def test_plan_csv_has_one_row_per_action_for_a_consultant(client, consultant, two_teams):
    lines = csv_rows(client, consultant)
    assert lines[0] == "organization,team,year,quarter,theme,action,owner,due_date,status"
    assert lines[1:] == [
        "Acme Corp,Enterprise Onboarding,2026,1,MP,Weekly onboarding dashboard,,,done",
        "Acme Corp,Enterprise Onboarding,2026,1,MP,Audit the playbook,,,dropped",
        "Acme Corp,Enterprise Onboarding,2026,1,MP,Automate kickoff,,,doing",
        "Acme Corp,Enterprise Onboarding,2026,1,MP,Time-to-value survey,,,planned",
        # A formula start is defused for spreadsheets.
        "Acme Corp,SMB Onboarding,2026,1,CX,'=Shared kickoff deck,Blair Lead,2026-03-31,planned",
        "",
    ]


def test_plan_csv_holds_only_the_teams_a_lead_may_see(client, lead_b, two_teams):
    lines = csv_rows(client, lead_b)
    assert [line.split(",")[1] for line in lines[1:-1]] == ["SMB Onboarding"]


def test_plan_csv_of_another_organization_is_404(client, outside_consultant, two_teams):
    client.force_login(outside_consultant)
    response = client.get(reverse("assessments:export-plan-csv", args=["acme"]))
    assert response.status_code == 404


def test_the_dashboard_links_the_plan_export(client, lead_a, loop):
    client.force_login(lead_a)
    html = client.get(reverse("assessments:dashboard")).content.decode()
    assert f'href="{reverse("assessments:export-plan-csv", args=["acme"])}"' in html
