"""The dashboard: each person's teams, quarter by quarter, in a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.periods import Quarter
from assessments.services import answers_save, assessment_start
from catalogue.selectors import forget_model_structures
from organizations.models import Team
from tests.conftest import questions_of, submit

DASHBOARD = reverse("assessments:dashboard")


def test_a_team_lead_sees_only_their_teams(client, model_v0, lead_a, team_b):
    client.force_login(lead_a)
    html = client.get(DASHBOARD).content.decode()
    assert "Enterprise Onboarding" in html
    assert "SMB Onboarding" not in html


def test_each_quarter_shows_status_overall_and_bands(client, model_v0, team_a, lead_a):
    scores = {
        f"{d}-{n}": s for d, s in [("VO", 1), ("CX", 3), ("AO", 4), ("MP", 5)] for n in range(1, 6)
    }
    report = submit(team_a, lead_a, Quarter(2026, 2), scores)
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    client.force_login(lead_a)
    page = client.get(DASHBOARD)
    html = page.content.decode()
    assert "2026 Q2" in html and "65 / 100" in html
    for label in ("Needs immediate attention", "Room for improvement", "Excellent"):
        assert label in html
    assert reverse("assessments:report", args=[report.pk]) in html
    assert "2026 Q3" in html and reverse("assessments:step", args=[draft.pk, 1]) in html
    ((team, summaries),) = page.context["team_rows"]
    assert [s.assessment.period for s in summaries] == [Quarter(2026, 3), Quarter(2026, 2)]
    assert [band.label for _, band in summaries[1].bands] == [
        "Needs immediate attention",
        "Room for improvement",
        "Excellent",
        "Excellent",
    ]
    assert summaries[0].overall_total is None


@pytest.mark.parametrize(
    ("answered", "step"),
    [
        ({}, 1),  # nothing scored yet: start with the context
        ({"VO-1": 3}, 2),  # part of the first dimension
        ({**{f"VO-{n}": 3 for n in range(1, 6)}, "CX-1": 2}, 3),
        ({f"{d}-{n}": 3 for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)}, 7),  # review
    ],
)
def test_continue_draft_opens_the_first_step_with_questions_left(
    client, model_v0, team_a, lead_a, answered, step
):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    questions = {q.code: q for q in questions_of(draft.model)}
    answers_save(assessment=draft, answers={questions[c]: (s, "") for c, s in answered.items()})
    client.force_login(lead_a)
    html = client.get(DASHBOARD).content.decode()
    assert f'href="{reverse("assessments:step", args=[draft.pk, step])}">Continue draft' in html
    team_page = client.get(reverse("assessments:team", args=[team_a.pk])).content.decode()
    assert reverse("assessments:step", args=[draft.pk, step]) in team_page


def test_a_consultant_sees_organizations_then_their_teams(
    client, model_v0, consultant, team_a, team_b, team_g
):
    client.force_login(consultant)
    html = client.get(DASHBOARD).content.decode()
    assert "Client organizations and teams" in html
    assert (
        html.index("Acme Corp") < html.index("Enterprise Onboarding") < html.index("SMB Onboarding")
    )
    assert "Globex" not in html


def test_teams_are_paginated(client, model_v0, admin_user, acme):
    Team.objects.bulk_create(
        Team(organization=acme, name=f"Team {n:02}", slug=f"t{n}") for n in range(25)
    )
    client.force_login(admin_user)
    first = client.get(DASHBOARD)
    assert len(first.context["team_rows"]) == 10
    assert "Page 1 of 3" in first.content.decode()
    last = client.get(DASHBOARD, {"page": 3})
    assert [t.name for t, _ in last.context["team_rows"]] == [f"Team {n:02}" for n in range(20, 25)]
    assert client.get(DASHBOARD, {"page": "abc"}).status_code == 200


def dashboard_queries(client) -> tuple[int, int]:
    """Queries of a dashboard view by a freshly started worker, and by one that already
    holds the model's structure in memory (the session's first page, which also stores its CSRF
    token, is not counted)."""
    client.get(DASHBOARD)
    forget_model_structures()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def test_dashboard_query_count_does_not_grow_with_data(client, model_v0, admin_user, acme, lead_a):
    client.force_login(admin_user)
    team = Team.objects.create(organization=acme, name="Team 0", slug="t0")
    submit(team, lead_a, Quarter(2025, 1), 3)
    small = dashboard_queries(client)

    quarter = Quarter(2024, 1)
    for n in range(1, 10):
        team = Team.objects.create(organization=acme, name=f"Team {n}", slug=f"t{n}")
        for _ in range(3):
            submit(team, lead_a, quarter, 4)
            quarter = quarter.next()
    large = dashboard_queries(client)

    # cold: the structure's 5 queries, once per version; one for the assessments the user
    # is invited to answer (several respondents); an admin consults every organization on the
    # page without a query
    assert small == large == (12, 7)


@pytest.mark.parametrize("person", ["lead_a", "consultant"])
def test_people_with_nothing_yet_get_a_helpful_empty_state(client, db, person, request):
    user = request.getfixturevalue(person)
    user.led_teams.clear()
    user.client_organizations.clear()
    client.force_login(user)
    assert "not assigned to any team" in client.get(DASHBOARD).content.decode()


def test_each_team_shows_its_latest_four_quarters_and_links_to_the_rest(
    client, model_v0, team_a, lead_a
):
    quarter = Quarter(2023, 1)
    for _ in range(10):
        submit(team_a, lead_a, quarter, 3)
        quarter = quarter.next()
    client.force_login(lead_a)
    response = client.get(DASHBOARD)
    ((_, summaries),) = response.context["team_rows"]
    assert [s.assessment.period.label for s in summaries] == [
        "2025 Q2",
        "2025 Q1",
        "2024 Q4",
        "2024 Q3",
    ]
    assert reverse("assessments:team", args=[team_a.pk]) in response.content.decode()
