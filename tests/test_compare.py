"""Compare: two to four teams of an organization in one quarter, or one team's two quarters;
radars overlaid and the differences per dimension and per question, largest first."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from assessments.charts import compare_radar_figure
from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.models import Question
from catalogue.scoring import BandRule, DimensionSpec, ModelSpec, score_assessment
from organizations.models import Team
from tests.conftest import embedded_json, make_user, submit

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


def all_at(base: int, **overrides: int) -> dict[str, int]:
    codes = Question.objects.filter(dimension__model__code="customer-onboarding").values_list(
        "code", flat=True
    )
    wanted = {code.replace("_", "-"): score for code, score in overrides.items()}
    return {code: wanted.get(code, base) for code in codes}


def compare(client, user, *pairs, slug="acme"):
    client.force_login(user)
    return client.get(reverse("assessments:compare", args=[slug]), list(pairs))


@pytest.fixture
def scored(model_v0, team_a, team_b, lead_a, lead_b):
    submit(team_a, lead_a, Q3, all_at(3, VO_1=5, CX_2=4))
    submit(team_b, lead_b, Q3, all_at(3, VO_1=1))
    return team_a, team_b


def test_two_teams_are_overlaid_on_one_radar(client, scored, consultant):
    team_a, team_b = scored
    response = compare(
        client, consultant, ("team", team_a.pk), ("team", team_b.pk), ("quarter", "2026Q3")
    )
    assert response.status_code == 200
    figure = embedded_json(response, "radar-data")
    traces = [t for t in figure["data"] if t.get("showlegend") is not False]
    assert [t["name"] for t in traces] == ["Enterprise Onboarding", "SMB Onboarding"]
    assert traces[0]["r"] == [17, 16, 15, 15, 17]  # closed: the first point again
    assert traces[1]["r"] == [13, 15, 15, 15, 13]
    assert traces[0]["line"]["dash"] != traces[1]["line"]["dash"]  # not by colour alone
    go.Figure(figure)  # a valid plotly figure


def test_the_dimension_table_shows_totals_bands_and_the_difference(client, scored, consultant):
    team_a, team_b = scored
    response = compare(
        client, consultant, ("team", team_a.pk), ("team", team_b.pk), ("quarter", "2026Q3")
    )
    comparison = response.context["comparison"]
    rows = [(row.code, row.values, row.spread) for row in comparison.dimensions]
    assert rows == [
        ("VO", (17, 13), 4),
        ("CX", (16, 15), 1),
        ("AO", (15, 15), 0),
        ("MP", (15, 15), 0),
    ]
    assert comparison.overall.values == (63, 58)
    html = response.content.decode()
    assert (
        '<span class="heat-total">17</span> <span class="heat-band">Room for improvement</span>'
        in html
    )


def test_questions_that_differ_most_come_first(client, scored, consultant):
    team_a, team_b = scored
    response = compare(
        client, consultant, ("team", team_a.pk), ("team", team_b.pk), ("quarter", "2026Q3")
    )
    questions = response.context["comparison"].questions
    assert [(q.code, q.values, q.spread) for q in questions[:3]] == [
        ("VO-1", (5, 1), 4),
        ("CX-2", (4, 3), 1),
        ("VO-2", (3, 3), 0),  # then the rest in the model's order
    ]
    html = response.content.decode()
    assert html.index(">VO-1<") < html.index(">CX-2<") < html.index(">VO-2<")


def test_one_teams_two_quarters_oldest_first(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Q2, 2)
    submit(team_a, lead_a, Q3, all_at(2, MP_5=5))
    response = compare(
        client, lead_a, ("team", team_a.pk), ("quarter", "2026Q3"), ("quarter", "2026-2")
    )
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [e.label for e in comparison.entries] == ["2026 Q2", "2026 Q3"]
    assert comparison.questions[0].code == "MP-5"
    assert comparison.questions[0].values == (2, 5)
    assert "Enterprise Onboarding: 2026 Q2 against 2026 Q3" in response.content.decode()


def test_up_to_four_teams_with_the_missing_one_named(client, model_v0, acme, scored, consultant):
    team_a, team_b = scored
    extra = [Team.objects.create(organization=acme, name=f"Team {n}", slug=f"t{n}") for n in (3, 4)]
    lead = make_user("lead_3")
    extra[0].leads.add(lead)
    submit(extra[0], lead, Q3, 5)
    assessment_start(team=extra[1], period=Q3, user=lead)  # a draft counts as none
    ids = [team_a.pk, team_b.pk, extra[0].pk, extra[1].pk]
    response = compare(client, consultant, *(("team", pk) for pk in ids), ("quarter", "2026Q3"))
    assert response.status_code == 200
    figure = embedded_json(response, "radar-data")
    assert len([t for t in figure["data"] if t.get("showlegend") is not False]) == 3
    assert "No submitted assessment for: Team 4 in 2026 Q3." in response.content.decode()


def test_without_a_quarter_the_latest_with_a_submission_is_used(client, scored, consultant):
    team_a, team_b = scored
    response = compare(client, consultant, ("team", team_a.pk), ("team", team_b.pk))
    assert response.context["period"] == Q3


def test_the_empty_form_lists_the_visible_teams(client, scored, lead_a, consultant):
    response = compare(client, consultant)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="team" value="' in html and "SMB Onboarding" in html
    lead_html = compare(client, lead_a).content.decode()
    assert "Enterprise Onboarding" in lead_html and "SMB Onboarding" not in lead_html


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("team", "A")], "Pick two to four teams, or one team and two quarters."),
        ([("team", "A"), ("quarter", "2026Q3")], "Pick two to four teams"),
        ([("team", "A"), ("team", "A")], "Pick two to four teams"),  # the same team twice
        (
            [("team", "A"), ("team", "B"), ("team", "3"), ("team", "4"), ("team", "5")],
            "at most four",
        ),
        ([("team", "A"), ("team", "B"), ("quarter", "2026Q2"), ("quarter", "2026Q3")], "either"),
        ([("team", "A"), ("team", "x1")], "Pick teams from the list."),
        ([("team", "A"), ("team", "-1")], "Pick teams from the list."),
        ([("team", "A"), ("team", "9" * 40)], "Pick teams from the list."),
        ([("team", "A"), ("team", "B"), ("quarter", "someday")], "is not a quarter"),
        ([("quarter", "2026Q3")], "Pick two to four teams"),
    ],
)
def test_bad_picks_show_the_form_with_an_error(
    client, model_v0, acme, scored, consultant, params, message
):
    team_a, team_b = scored
    for n in (3, 4, 5):
        Team.objects.create(organization=acme, name=f"Team {n}", slug=f"t{n}")
    ids = {"A": team_a.pk, "B": team_b.pk}
    ids |= {str(n): Team.objects.get(slug=f"t{n}").pk for n in (3, 4, 5)}
    params = [(key, ids.get(value, value) if key == "team" else value) for key, value in params]
    response = compare(client, consultant, *params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert" id="compare-error"' in html and message in html
    assert 'id="compare-form"' in html


def test_a_team_of_another_organization_is_not_found(
    client, scored, team_g, consultant, admin_user
):
    team_a, _ = scored
    for user in (consultant, admin_user):
        response = compare(client, user, ("team", team_a.pk), ("team", team_g.pk))
        assert response.status_code == 404


def test_a_team_the_user_may_not_see_is_not_found(client, scored, lead_a):
    team_a, team_b = scored
    response = compare(client, lead_a, ("team", team_a.pk), ("team", team_b.pk))
    assert response.status_code == 404


def test_a_team_that_does_not_exist_is_not_found(client, scored, consultant):
    team_a, _ = scored
    assert compare(client, consultant, ("team", team_a.pk), ("team", 987654)).status_code == 404


@pytest.mark.parametrize("who", ["outside_consultant", "respondent"])
def test_people_without_a_team_in_the_organization_get_404(client, scored, outside_consultant, who):
    user = outside_consultant if who == "outside_consultant" else make_user("respondent")
    team_a, team_b = scored
    assert compare(client, user).status_code == 404
    assert compare(client, user, ("team", team_a.pk), ("team", team_b.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, model_v0, acme):
    response = client.get(reverse("assessments:compare", args=["acme"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The figure, pure -------------------------------------------------------------------------


BANDS = (
    BandRule(2, 4, "Low", "critical"),
    BandRule(5, 7, "Mid", "caution"),
    BandRule(8, 10, "High", "good"),
)
SPEC = ModelSpec(
    dimensions=tuple(
        DimensionSpec(code=code, name=name, question_codes=(f"{code}-1", f"{code}-2"))
        for code, name in [("A", "Alpha"), ("B", "Beta"), ("C", "Gamma")]
    ),
    bands=BANDS,
)


def result(score: int):
    return score_assessment(SPEC, dict.fromkeys(SPEC.question_codes, score))


def test_the_compare_radar_has_one_styled_trace_per_result_and_threshold_rings():
    figure = compare_radar_figure(
        [("One", result(1)), ("Two", result(3)), ("Three", result(5))], BANDS
    )
    rings = [t for t in figure["data"] if t.get("showlegend") is False]
    traces = [t for t in figure["data"] if t.get("showlegend") is not False]
    assert [ring["r"][0] for ring in rings] == [4, 7]
    assert [t["name"] for t in traces] == ["One", "Two", "Three"]
    assert [t["r"] for t in traces] == [[2, 2, 2, 2], [6, 6, 6, 6], [10, 10, 10, 10]]
    assert (
        len({(t["line"]["color"], t["line"]["dash"], t["marker"]["symbol"]) for t in traces}) == 3
    )
    assert figure["layout"]["polar"]["radialaxis"]["range"] == [0, 10]
    go.Figure(figure)


def test_the_compare_radar_of_nothing_is_an_empty_figure():
    assert compare_radar_figure([], BANDS)["data"] == []
