"""Team history: every quarter's totals and a trend chart per dimension."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.selectors import forget_model_structures
from tests.conftest import embedded_json, submit


def test_history_lists_every_quarter_newest_first(client, model_v0, team_a, lead_a):
    for quarter, score in [(Quarter(2026, 1), 1), (Quarter(2026, 2), 3), (Quarter(2026, 3), 5)]:
        submit(team_a, lead_a, quarter, score)
    assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    client.force_login(lead_a)
    response = client.get(reverse("assessments:team", args=[team_a.pk]))
    html = response.content.decode()
    assert html.index("2026 Q4") < html.index("2026 Q3") < html.index("2026 Q1")
    overall = [s.overall_total for s in response.context["history"].summaries]
    assert overall == [20, 60, 100, None]


def test_one_trend_chart_per_dimension_with_band_shading(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 1), 1)
    submit(team_a, lead_a, Quarter(2026, 2), 4)
    client.force_login(lead_a)
    response = client.get(reverse("assessments:team", args=[team_a.pk]))
    figures = embedded_json(response, "history-data")
    assert [f["layout"]["title"]["text"] for f in figures] == [
        "Value Orientation",
        "CX & Delivery",
        "Adaptability & Organization",
        "Manageability & Productivity",
    ]
    first = figures[0]
    assert first["data"][0]["x"] == ["2026 Q1", "2026 Q2"]
    assert first["data"][0]["y"] == [5, 20]
    shading = [(s["y0"], s["y1"]) for s in first["layout"]["shapes"]]
    assert shading == [(4.5, 10.5), (10.5, 18.5), (18.5, 25.5)]
    assert "/static/vendor/plotly/plotly-custom.min.js" in response.content.decode()


def test_a_team_without_assessments_invites_a_first_one(client, model_v0, team_a, lead_a):
    client.force_login(lead_a)
    html = client.get(reverse("assessments:team", args=[team_a.pk])).content.decode()
    assert "No assessments yet" in html


def history_queries(client, team) -> tuple[int, int]:
    """Queries of a history view by a freshly started worker, then by a warm one (the session's
    first page, which also stores its CSRF token, is not counted)."""
    client.get(reverse("assessments:team", args=[team.pk]))
    forget_model_structures()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("assessments:team", args=[team.pk])).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def test_history_query_count_does_not_grow_with_quarters(client, model_v0, team_a, lead_a):
    client.force_login(lead_a)
    quarter = Quarter(2022, 1)
    submit(team_a, lead_a, quarter, 3)
    few = history_queries(client, team_a)
    for _ in range(9):
        quarter = quarter.next()
        submit(team_a, lead_a, quarter, 4)
    # The plan's two reads (the team's targets, its outcome figures) come on top of the history's.
    assert history_queries(client, team_a) == few == (12, 7)
