"""The organization page: a heatmap of teams x dimensions for a quarter, trends, who has not
submitted, themes and open actions; only the teams the visitor may see."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Action, Answer, Assessment
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, action_save, theme_choose
from assessments.portfolio import organization_heatmap, trend_quarters
from assessments.services import assessment_start
from catalogue.models import Dimension, Question
from catalogue.selectors import forget_model_structures
from organizations.models import Team
from tests.conftest import make_user, submit

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)
EXCELLENT = "Excellent"
ROOM = "Room for improvement"
ATTENTION = "Needs immediate attention"


class _TableReader(HTMLParser):
    """The text of every cell of one table's body, row by row, whitespace collapsed."""

    def __init__(self, table_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.table_id, self.depth, self.in_body = table_id, 0, False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.headers: list[tuple[str, str | None]] = []
        self.in_head_th = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.depth = 1
        elif not self.depth:
            return
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self.in_body:
            self.cell = []
        elif tag == "th":
            self.headers.append((attrs.get("data-sort-key"), attrs.get("aria-sort")))

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.depth = 0


def table(response, table_id: str = "heatmap-table") -> _TableReader:
    reader = _TableReader(table_id)
    reader.feed(response.content.decode())
    return reader


def page(client, user, slug="acme", **params):
    client.force_login(user)
    return client.get(reverse("assessments:organization", args=[slug]), params)


def scores_with(base: int, **overrides: int) -> dict[str, int]:
    """Every v0 question at `base`, some (VO_1=4 means VO-1) otherwise."""
    codes = Question.objects.filter(dimension__model__code="customer-onboarding").values_list(
        "code", flat=True
    )
    wanted = {code.replace("_", "-"): score for code, score in overrides.items()}
    return {code: wanted.get(code, base) for code in codes}


# --- The heatmap ------------------------------------------------------------------------------


def test_each_cell_shows_the_total_and_its_band_as_text(
    client, model_v0, team_a, team_b, lead_a, lead_b, consultant
):
    submit(team_a, lead_a, Q3, 2)  # 10 per dimension
    submit(team_b, lead_b, Q3, scores_with(4, VO_1=1))  # VO 17, the others 20
    rows = table(page(client, consultant)).rows
    assert rows[0][:5] == [
        "Enterprise Onboarding",
        f"10 {ATTENTION}",
        f"10 {ATTENTION}",
        f"10 {ATTENTION}",
        f"10 {ATTENTION}",
    ]
    assert rows[1][:6] == [
        "SMB Onboarding",
        f"17 {ROOM}",
        f"20 {EXCELLENT}",
        f"20 {EXCELLENT}",
        f"20 {EXCELLENT}",
        "77 out of 100, open SMB Onboarding's report",
    ]


def test_cells_carry_their_band_as_a_colour_class_too(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Q3, 2)
    html = page(client, lead_a).content.decode()
    assert html.count('class="heat heat-critical"') == 4


def test_the_change_column_is_the_overall_against_the_previous_quarter(
    client, model_v0, team_a, team_b, lead_a, lead_b, consultant
):
    submit(team_a, lead_a, Q2, 2)  # 40
    submit(team_a, lead_a, Q3, scores_with(2, VO_1=3, CX_1=3, AO_1=3))  # 43
    submit(team_b, lead_b, Q3, 3)  # no Q2: no change to show
    rows = table(page(client, consultant)).rows
    assert rows[0][-1] == "▲ +3"
    assert rows[1][-1] == "— No change to show"
    heatmap = page(client, consultant).context["heatmap"]
    assert [row.change for row in heatmap.rows] == [3, None]
    assert [cell.change for cell in heatmap.rows[0].cells] == [1, 1, 1, 0]


def test_the_default_quarter_is_the_latest_with_a_submission(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Q2, 2)
    response = page(client, lead_a)
    assert response.context["period"] == Q2
    assert '<h1 class="h3 mb-0">Acme Corp: 2026 Q2</h1>' in response.content.decode()


@pytest.mark.parametrize("key", ["2026Q2", "2026-2", "2026 Q2"])
def test_the_quarter_picker_accepts_its_keys(client, model_v0, team_a, lead_a, key):
    submit(team_a, lead_a, Q2, 2)
    submit(team_a, lead_a, Q3, 4)
    response = page(client, lead_a, quarter=key)
    assert response.context["period"] == Q2
    assert table(response).rows[0][1] == f"10 {ATTENTION}"
    assert '<option value="2026Q2" selected>2026 Q2</option>' in response.content.decode()


@pytest.mark.parametrize("key", ["nonsense", "2026Q9", "1900-1", "<script>"])
def test_a_quarter_that_cannot_be_read_falls_back_to_the_default(
    client, model_v0, team_a, lead_a, key
):
    submit(team_a, lead_a, Q3, 4)
    response = page(client, lead_a, quarter=key)
    assert response.status_code == 200
    assert response.context["period"] == Q3


def test_a_quarter_without_submissions_shows_every_team_as_not_submitted(
    client, model_v0, team_a, team_b, lead_a, consultant
):
    submit(team_a, lead_a, Q3, 4)
    response = page(client, consultant, quarter="2025Q1")
    rows = table(response).rows
    assert [row[0] for row in rows] == [
        "Enterprise Onboarding Not submitted",
        "SMB Onboarding Not submitted",
    ]
    assert rows[0][1] == "— No total"


# --- Sorting ----------------------------------------------------------------------------------


@pytest.fixture
def three_teams(model_v0, acme, team_a, team_b, lead_a, lead_b, consultant):
    team_c = Team.objects.create(organization=acme, name="Channel Onboarding", slug="channel")
    lead_c = make_user("lead_c")
    team_c.leads.add(lead_c)
    submit(team_a, lead_a, Q3, scores_with(3, VO_1=5))  # VO 17, overall 62
    submit(team_b, lead_b, Q3, scores_with(3, VO_1=1))  # VO 13, overall 58
    return team_c  # no submission: always last


def names(response) -> list[str]:
    return [row[0].replace(" Not submitted", "") for row in table(response).rows]


def test_rows_are_sorted_by_team_name_by_default(client, three_teams, consultant):
    assert names(page(client, consultant)) == [
        "Channel Onboarding",
        "Enterprise Onboarding",
        "SMB Onboarding",
    ]


def test_sorting_by_a_dimension_highest_first_puts_teams_without_a_total_last(
    client, three_teams, consultant
):
    response = page(client, consultant, sort="vo", dir="desc")
    assert names(response) == ["Enterprise Onboarding", "SMB Onboarding", "Channel Onboarding"]
    ascending = page(client, consultant, sort="vo", dir="asc")
    assert names(ascending) == ["SMB Onboarding", "Enterprise Onboarding", "Channel Onboarding"]


def test_the_sorted_column_says_so_with_aria_sort(client, three_teams, consultant):
    headers = table(page(client, consultant, sort="overall", dir="desc")).headers
    assert headers == [
        ("team", "none"),
        ("vo", "none"),
        ("cx", "none"),
        ("ao", "none"),
        ("mp", "none"),
        ("overall", "descending"),
        ("change", "none"),
    ]


def test_each_heading_links_to_the_server_side_sort_turning_round_when_sorted(
    client, three_teams, consultant
):
    html = page(client, consultant, sort="overall", dir="desc", quarter="2026Q3").content.decode()
    assert 'href="?quarter=2026Q3&amp;sort=overall&amp;dir=asc#heatmap"' in html
    assert 'href="?quarter=2026Q3&amp;sort=vo&amp;dir=desc#heatmap"' in html
    assert "/static/js/organization.js" in html


def test_an_unknown_sort_column_sorts_by_team(client, three_teams, consultant):
    response = page(client, consultant, sort="password", dir="desc")
    assert response.status_code == 200
    assert names(response)[0] == "Channel Onboarding"


# --- Not submitted, trends, themes and actions ------------------------------------------------


def test_teams_with_only_a_draft_or_nothing_are_listed_as_not_submitted(
    client, model_v0, acme, team_a, team_b, lead_a, lead_b, consultant
):
    submit(team_a, lead_a, Q3, 3)
    assessment_start(team=team_b, period=Q3, user=lead_b)
    Team.objects.create(organization=acme, name="Channel Onboarding", slug="channel")
    response = page(client, consultant, quarter="2026Q3")
    waiting = response.context["portfolio"].not_submitted
    assert [(team.name, draft) for team, draft in waiting] == [
        ("Channel Onboarding", False),
        ("SMB Onboarding", True),
    ]
    html = response.content.decode()
    section = html[html.index('id="not-submitted-heading"') : html.index('id="trends-heading"')]
    assert 'SMB Onboarding</a> <span class="small text-muted">(draft started)' in section
    assert "Enterprise Onboarding" not in section


def test_everyone_submitted_says_so(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Q3, 3)
    assert "Every team has submitted 2026 Q3." in page(client, lead_a).content.decode()


def test_one_sparkline_per_team_and_dimension_over_eight_quarters(
    client, model_v0, team_a, team_b, lead_a, lead_b, consultant
):
    submit(team_a, lead_a, Quarter(2024, 3), 1)  # outside the eight quarters to 2026 Q3
    submit(team_a, lead_a, Quarter(2024, 2), 1)  # ditto
    submit(team_a, lead_a, Quarter(2025, 4), 2)
    submit(team_a, lead_a, Q3, 4)
    submit(team_b, lead_b, Q3, 3)
    response = page(client, consultant)
    trends = response.context["portfolio"].trends
    assert [len(trend.lines) for trend in trends] == [4, 4]
    value = trends[0].lines[0]
    assert value.quarters == tuple(trend_quarters(Q3)) and value.quarters[0] == Quarter(2024, 4)
    assert value.totals == (None, None, None, None, 10, None, None, 20)
    html = response.content.decode()
    assert html.count('class="sparkline"') == 8
    assert (
        'aria-label="Value Orientation for Enterprise Onboarding, 2024 Q4 to 2026 Q3: '
        "no submission, no submission, no submission, no submission, 10, no submission, "
        'no submission, 20."'
    ) in html


def test_each_team_shows_its_latest_theme_and_its_open_actions(
    client, model_v0, team_a, team_b, lead_a, lead_b, consultant
):
    q2 = submit(team_a, lead_a, Q2, 2)
    submit(team_b, lead_b, Q3, 3)
    value = Dimension.objects.get(model=model_v0, code="VO")
    theme_choose(assessment=q2, user=lead_a, dimension=value)
    for title, status in [("Write the value story", "doing"), ("Old idea", "dropped")]:
        action_save(
            assessment=q2,
            user=lead_a,
            wanted=ActionInput(title=title, status=status),
            people_ids=set(),
        )
    action_save(
        assessment=q2, user=lead_a, wanted=ActionInput(title="Kick-off deck"), people_ids=set()
    )
    response = page(client, consultant, quarter="2026Q3")
    plans = {plan.team.name: plan for plan in response.context["portfolio"].plans}
    enterprise = plans["Enterprise Onboarding"]
    assert enterprise.theme_name == "Value Orientation"
    assert enterprise.theme_chosen_in == Q2
    assert sorted(a.title for a in enterprise.open_actions) == [
        "Kick-off deck",
        "Write the value story",
    ]
    assert plans["SMB Onboarding"].theme_name is None
    html = response.content.decode()
    assert "Theme: <strong>Value Orientation</strong>" in html
    assert "Old idea" not in html
    # A theme chosen after the quarter shown is not yet in force.
    before = page(client, consultant, quarter="2026Q1").context["portfolio"].plans
    assert before[0].theme_name is None


# --- Who sees what ----------------------------------------------------------------------------


def test_a_team_lead_sees_only_their_own_team(client, model_v0, team_a, team_b, lead_a, lead_b):
    submit(team_a, lead_a, Q3, 3)
    submit(team_b, lead_b, Q3, 4)
    response = page(client, lead_a)
    html = response.content.decode()
    assert [row[0] for row in table(response).rows] == ["Enterprise Onboarding"]
    assert "SMB Onboarding" not in html


def test_another_organizations_team_never_appears(
    client, model_v0, team_a, team_g, lead_a, admin_user
):
    globex_lead = make_user("globex_lead")
    team_g.leads.add(globex_lead)
    submit(team_a, lead_a, Q3, 3)
    submit(team_g, globex_lead, Q3, 5)
    html = page(client, admin_user).content.decode()
    assert "Globex" not in html


@pytest.mark.parametrize("who", ["outside_consultant", "respondent"])
def test_people_without_a_team_in_the_organization_get_404(
    client, model_v0, team_a, lead_a, outside_consultant, who
):
    user = outside_consultant if who == "outside_consultant" else make_user("respondent")
    submit(team_a, lead_a, Q3, 3)
    assert page(client, user).status_code == 404
    assert page(client, user, slug="no-such-org").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, model_v0, acme):
    response = client.get(reverse("assessments:organization", args=["acme"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_heatmap_ignores_teams_of_another_organization(model_v0, acme, team_a, team_g, lead_a):
    submit(team_a, lead_a, Q3, 3)
    heatmap = organization_heatmap(acme, [team_a, team_g], Q3)
    assert [row.team for row in heatmap.rows] == [team_a]
    (row,) = heatmap.rows
    assert [(c.code, c.total, c.band_label, c.tone) for c in row.cells] == [
        ("VO", 15, ROOM, "caution"),
        ("CX", 15, ROOM, "caution"),
        ("AO", 15, ROOM, "caution"),
        ("MP", 15, ROOM, "caution"),
    ]
    assert (row.overall, row.max_overall, row.change) == (60, 100, None)


# --- Bounded queries --------------------------------------------------------------------------


def page_queries(client, url: str) -> int:
    """Queries of the page on a warm worker (the first request, which also fills the model
    structure cache and stores the session's CSRF token, is not counted)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def bulk_submitted(teams, quarters, model, user) -> None:
    """Submitted assessments with every answer, written in bulk: the page reads only these rows
    (submitting each through the service would take most of a minute for 96 of them)."""
    questions = list(Question.objects.filter(dimension__model=model))
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        Assessment(
            team=team,
            year=quarter.year,
            quarter=quarter.quarter,
            model=model,
            status=Assessment.Status.SUBMITTED,
            submitted_at=now,
            submitted_by=user,
            created_by=user,
        )
        for team in teams
        for quarter in quarters
    )
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=question, score=1 + (n + i) % 5)
        for n, assessment in enumerate(assessments)
        for i, question in enumerate(questions)
    )


def test_queries_do_not_grow_with_teams_or_quarters(
    client,
    model_v0,
    acme,
    team_a,
    team_b,
    lead_a,
    lead_b,
    consultant,
    django_assert_max_num_queries,
):
    url = reverse("assessments:organization", args=["acme"]) + "?quarter=2026Q3"
    client.force_login(consultant)
    submit(team_a, lead_a, Q3, 3)
    submit(team_b, lead_b, Q3, 4)
    few = page_queries(client, url)

    others = [
        Team.objects.create(organization=acme, name=f"Team {n:02}", slug=f"team-{n}")
        for n in range(10)
    ]
    older = trend_quarters(Q3)[:-1]
    bulk_submitted([team_a, team_b], older, model_v0, lead_a)
    bulk_submitted(others, trend_quarters(Q3), model_v0, lead_a)
    value = Dimension.objects.get(model=model_v0, code="VO")
    for assessment in Assessment.objects.filter(year=Q2.year, quarter=Q2.quarter):
        theme_choose(assessment=assessment, user=lead_a, dimension=value)
        action_save(
            assessment=assessment,
            user=lead_a,
            wanted=ActionInput(title=f"Action for {assessment.team.name}"),
            people_ids=set(),
        )
    assessment_start(team=others[-1], period=Q3.next(), user=lead_a)  # a draft besides
    assert Assessment.objects.filter(team__organization=acme).count() == 12 * 8 + 1
    assert Action.objects.count() == 12

    many = page_queries(client, url)
    # The session, the user, the organization, its teams, the quarters with submissions, the
    # assessments of eight quarters, their answers, the drafts, the themes, the open actions.
    assert many == few == 10
    response = client.get(url)
    assert len(response.context["heatmap"].rows) == 12
    assert len(table(response).rows) == 12
    forget_model_structures()
    with django_assert_max_num_queries(20):  # a cold worker reads the model structure too
        assert client.get(url).status_code == 200
