"""The team page's plan: targets per dimension (drawn on the trend charts), outcome figures per
quarter (a form, a table and a chart per metric with the theme quarters marked), the theme
quarters on the history table, who may change any of it, and the page's bounded queries."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import plotly.graph_objects as go
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.metric_charts import ThemeMark, metric_charts, quarter_span
from assessments.models import DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan_services import TargetInput, metrics_save, targets_save, theme_choose
from assessments.services import assessment_start
from assessments.team_services import respondents_invite
from catalogue.models import Dimension
from catalogue.selectors import forget_model_structures
from tests.conftest import embedded_json, make_user, page_form, submit

CODES = ["VO", "CX", "AO", "MP"]
LAST_CHANGED = (  # a targets row: the dimension's code ... who changed it last, and when
    r'<th scope="row"><span class="text-muted">(\w+)</span>'
    r'.*?<td class="small text-muted">(.*?)</td>'
)


def team_url(team) -> str:
    return reverse("assessments:team", args=[team.pk])


def targets_url(team) -> str:
    return reverse("assessments:team-targets", args=[team.pk])


def metrics_url(team) -> str:
    return reverse("assessments:team-metrics", args=[team.pk])


def current_quarter() -> Quarter:
    return Quarter.containing(timezone.localdate())


def dimension(model, code: str) -> Dimension:
    return Dimension.objects.get_by_natural_key(model.code, model.version, code)


def saved_targets(team) -> dict[str, tuple]:
    return {
        t.dimension_code: (t.target_total, t.right_for_stage, t.stage_reason)
        for t in DimensionTarget.objects.filter(team=team)
    }


def saved_metrics(team) -> list[tuple]:
    return list(
        OutcomeMetrics.objects.filter(team=team).values_list(
            "year", "quarter", "time_to_value_days", "csat", "nps", "customers_onboarded"
        )
    )


def errors_of(response) -> list[str]:
    """The messages of the page's error summaries."""
    html = response.content.decode()
    summaries = re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', html, re.S)
    return [unescape(item).strip() for s in summaries for item in re.findall(r"<li>(.*?)</li>", s)]


# --- Targets ----------------------------------------------------------------------------------


def test_the_targets_form_has_a_row_per_dimension_of_the_latest_version(
    client, model_v0, team_a, lead_a
):
    client.force_login(lead_a)
    response = client.get(team_url(team_a))
    form = page_form(response, "targets-form")
    assert {name for name in form if name != "csrfmiddlewaretoken"} == {
        f"{code}-{part}" for code in CODES for part in ("target", "reason")
    }  # the unticked boxes send nothing, as a browser's would
    html = response.content.decode()
    for name in ["Value Orientation", "CX &amp; Delivery", "Manageability &amp; Productivity"]:
        assert name in html
    assert 'for="id_VO-for_stage"' in html


def test_a_lead_sets_targets_and_a_stage_mark_through_the_page_form(
    client, model_v0, team_a, lead_a
):
    client.force_login(lead_a)
    form = page_form(client.get(team_url(team_a)), "targets-form")
    form |= {"VO-target": "18", "CX-for_stage": "on", "CX-reason": "We onboard by hand on purpose"}

    response = client.post(targets_url(team_a), form)

    assert response.status_code == 302
    assert response["Location"] == team_url(team_a) + "#targets"
    # Dimensions left empty that never had a target get no row.
    assert saved_targets(team_a) == {
        "VO": (18, False, ""),
        "CX": (None, True, "We onboard by hand on purpose"),
    }
    assert {t.updated_by for t in DimensionTarget.objects.filter(team=team_a)} == {lead_a}


def test_the_page_shows_who_last_changed_each_target_and_when(
    client, model_v0, team_a, lead_a, consultant
):
    targets_save(team=team_a, user=lead_a, targets={"VO": TargetInput(15)}, codes=CODES)
    client.force_login(consultant)
    form = page_form(client.get(team_url(team_a)), "targets-form")
    assert form["VO-target"] == "15"
    client.post(targets_url(team_a), form | {"MP-target": "20"})

    html = client.get(team_url(team_a)).content.decode()
    rows = dict(re.findall(LAST_CHANGED, html, re.S))
    changed_at = DimensionTarget.objects.get(team=team_a, dimension_code="MP").updated_at
    assert rows["VO"].startswith("Alex Lead, ")
    assert rows["MP"] == f"Casey Consultant, {timezone.localtime(changed_at):%-d %b %Y, %H:%M}"
    assert rows["CX"] == rows["AO"] == "Never set"


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ("4", "VO: a target is a total from 5 to 25"),
        ("26", "VO: a target is a total from 5 to 25"),
        ("twelve", "VO: enter a whole number from 5 to 25, or leave it blank"),
        ("12.5", "VO: enter a whole number from 5 to 25, or leave it blank"),
    ],
)
def test_a_target_outside_5_to_25_is_refused_on_the_page_and_nothing_is_saved(
    client, model_v0, team_a, lead_a, posted, error
):
    targets_save(team=team_a, user=lead_a, targets={"CX": TargetInput(12)}, codes=CODES)
    client.force_login(lead_a)
    form = page_form(client.get(team_url(team_a)), "targets-form")

    response = client.post(targets_url(team_a), form | {"VO-target": posted, "CX-target": "20"})

    assert response.status_code == 400
    assert errors_of(response) == [error]
    assert saved_targets(team_a) == {"CX": (12, False, "")}
    # What was typed is shown again, marked invalid, for correcting.
    again = page_form(response, "targets-form")
    assert (again["VO-target"], again["CX-target"]) == (posted, "20")
    assert 'aria-describedby="id_VO-target-error"' in response.content.decode()


def test_right_for_our_stage_needs_a_reason(client, model_v0, team_a, lead_a):
    client.force_login(lead_a)
    form = page_form(client.get(team_url(team_a)), "targets-form")

    response = client.post(targets_url(team_a), form | {"AO-for_stage": "on", "AO-reason": "  "})

    assert response.status_code == 400
    assert errors_of(response) == ["AO: say why this level is right for your stage"]
    assert saved_targets(team_a) == {}


def test_clearing_a_target_keeps_its_row_and_who_cleared_it(
    client, model_v0, team_a, lead_a, consultant
):
    targets_save(team=team_a, user=lead_a, targets={"VO": TargetInput(18)}, codes=CODES)
    client.force_login(consultant)
    form = page_form(client.get(team_url(team_a)), "targets-form")

    client.post(targets_url(team_a), form | {"VO-target": ""})

    row = DimensionTarget.objects.get(team=team_a, dimension_code="VO")
    assert (row.target_total, row.updated_by) == (None, consultant)


def test_targets_are_drawn_as_a_dashed_line_on_the_trend_charts(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 1), 2)
    submit(team_a, lead_a, Quarter(2026, 2), 3)
    targets_save(
        team=team_a, user=lead_a, targets={"VO": TargetInput(18), "MP": TargetInput(9)}, codes=CODES
    )
    client.force_login(lead_a)
    response = client.get(team_url(team_a))
    figures = embedded_json(response, "history-data")

    def target_lines(figure):
        return [
            (s["y0"], s["y1"])
            for s in figure["layout"]["shapes"]
            if s["type"] == "line" and s["line"]["dash"] == "dash"
        ]

    assert [target_lines(f) for f in figures] == [[(18, 18)], [], [], [(9, 9)]]
    assert "Target 18" in [a["text"] for a in figures[0]["layout"]["annotations"]]
    for figure in figures:
        go.Figure(figure)
    assert "Value Orientation total per quarter, target 18;" in response.content.decode()


# --- The theme quarters on the history table ----------------------------------------------------


def test_the_history_table_marks_the_quarters_where_a_theme_was_chosen(
    client, model_v0, team_a, lead_a
):
    first = submit(team_a, lead_a, Quarter(2026, 1), 2)
    submit(team_a, lead_a, Quarter(2026, 2), 3)
    theme_choose(assessment=first, user=lead_a, dimension=dimension(model_v0, "VO"))
    client.force_login(lead_a)

    html = client.get(team_url(team_a)).content.decode()

    rows = re.findall(r'<th scope="row"><a href="[^"]+">(\d{4} Q\d)</a>(.*?)</th>', html, re.S)
    themes = {label: re.sub(r"<[^>]+>", "", rest).strip() for label, rest in rows}
    assert themes == {
        "2026 Q2": "",
        "2026 Q1": "Theme for next quarter: Value Orientation",
    }


# --- Outcome metrics ----------------------------------------------------------------------------


def quarter_options(response) -> list[str]:
    html = response.content.decode()
    picker = re.search(r'<form method="get"[^>]*id="metrics-quarter-form".*?</form>', html, re.S)
    return re.findall(r'<option value="(\w+)"', picker.group(0))


def test_the_quarters_offered_are_those_assessed_and_the_current_one(
    client, model_v0, team_a, lead_a
):
    submit(team_a, lead_a, Quarter(2025, 3), 2)
    assessment_start(team=team_a, period=Quarter(2025, 4), user=lead_a)
    client.force_login(lead_a)

    response = client.get(team_url(team_a))

    now = current_quarter()
    assert quarter_options(response) == [now.key, "2025Q4", "2025Q3"]
    assert page_form(response, "metrics-form")["quarter"] == now.key  # the current by default


def test_a_lead_records_a_quarters_figures_through_the_page_form(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 1), 2)
    client.force_login(lead_a)
    page = client.get(team_url(team_a) + "?quarter=2026Q1")
    form = page_form(page, "metrics-form")
    assert form["quarter"] == "2026Q1"
    form |= {"time_to_value_days": "30", "csat": "4.25", "nps": "-10"}

    response = client.post(metrics_url(team_a), form)

    assert response.status_code == 302
    assert response["Location"] == team_url(team_a) + "?quarter=2026Q1#metrics"
    assert saved_metrics(team_a) == [(2026, 1, 30, Decimal("4.25"), -10, None)]
    assert OutcomeMetrics.objects.get(team=team_a).updated_by == lead_a


def test_a_picked_quarter_shows_its_figures_and_a_blank_field_clears_one(
    client, model_v0, team_a, lead_a
):
    submit(team_a, lead_a, Quarter(2026, 1), 2)
    values = {"time_to_value_days": 30, "csat": Decimal("4.5"), "customers_onboarded": 12}
    metrics_save(team=team_a, period=Quarter(2026, 1), user=lead_a, values=values)
    client.force_login(lead_a)

    form = page_form(client.get(team_url(team_a) + "?quarter=2026Q1"), "metrics-form")
    assert (form["time_to_value_days"], form["csat"], form["customers_onboarded"]) == (
        "30",
        "4.50",
        "12",
    )
    client.post(metrics_url(team_a), form | {"customers_onboarded": ""})

    assert saved_metrics(team_a) == [(2026, 1, 30, Decimal("4.50"), None, None)]


@pytest.mark.parametrize(
    ("field", "posted", "error"),
    [
        ("time_to_value_days", "soon", "Time to value (days): enter a whole number"),
        ("time_to_value_days", "-1", "Time to value (days) must be from 0 to 3650"),
        ("nps", "150", "Post-onboarding NPS (-100 to 100) must be from -100 to 100"),
        ("nps", "12.5", "Post-onboarding NPS (-100 to 100): enter a whole number"),
        ("milestones_on_time_pct", "101", "Milestones on time (%) must be from 0 to 100"),
        ("csat", "0.5", "Onboarding CSAT (1-5) must be from 1 to 5"),
        ("csat", "4.255", "Onboarding CSAT (1-5): at most 2 decimals"),
        ("csat", "four", "Onboarding CSAT (1-5): enter a number such as 4.25"),
        ("csat", "NaN", "Onboarding CSAT (1-5): enter a number such as 4.25"),
    ],
)
def test_a_bad_figure_is_refused_with_a_clear_error_and_nothing_is_saved(
    client, model_v0, team_a, lead_a, field, posted, error
):
    now = current_quarter()
    metrics_save(team=team_a, period=now, user=lead_a, values={"time_to_value_days": 40})
    client.force_login(lead_a)
    form = page_form(client.get(team_url(team_a)), "metrics-form")

    response = client.post(metrics_url(team_a), form | {"customers_onboarded": "7", field: posted})

    assert response.status_code == 400
    assert errors_of(response) == [error]
    assert saved_metrics(team_a) == [(now.year, now.quarter, 40, None, None, None)]
    again = page_form(response, "metrics-form")
    assert (again[field], again["customers_onboarded"]) == (posted, "7")


def test_figures_for_a_quarter_not_offered_are_refused(client, model_v0, team_a, lead_a):
    client.force_login(lead_a)
    form = page_form(client.get(team_url(team_a)), "metrics-form")

    response = client.post(metrics_url(team_a), form | {"quarter": "2019Q1", "nps": "10"})

    assert response.status_code == 400
    assert errors_of(response) == ["Pick one of the team's quarters for these figures"]
    assert saved_metrics(team_a) == []


def test_the_figures_table_lists_every_quarter_newest_first(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 1), 2)
    submit(team_a, lead_a, Quarter(2026, 2), 2)
    metrics_save(team=team_a, period=Quarter(2026, 1), user=lead_a, values={"nps": -20})
    metrics_save(
        team=team_a, period=Quarter(2026, 2), user=lead_a, values={"nps": 15, "csat": Decimal(4)}
    )
    client.force_login(lead_a)
    html = client.get(team_url(team_a)).content.decode()

    table = re.search(
        r'<table class="table table-sm align-middle metrics-table">.*?</table>', html, re.S
    )
    rows = [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)[1:]
    ]
    assert [row[:-1] for row in rows] == [
        ["2026 Q2", "—", "—", "—", "4", "15", "—", "—"],
        ["2026 Q1", "—", "—", "—", "—", "-20", "—", "—"],
    ]


def test_one_chart_per_recorded_metric_with_the_theme_quarters_marked(
    client, model_v0, team_a, lead_a
):
    first = submit(team_a, lead_a, Quarter(2025, 4), 2)
    submit(team_a, lead_a, Quarter(2026, 1), 3)
    theme_choose(assessment=first, user=lead_a, dimension=dimension(model_v0, "MP"))
    metrics_save(team=team_a, period=Quarter(2025, 3), user=lead_a, values={"csat": Decimal("3.5")})
    metrics_save(
        team=team_a,
        period=Quarter(2026, 1),
        user=lead_a,
        values={"csat": Decimal("4.25"), "time_to_value_days": 21},
    )
    client.force_login(lead_a)
    response = client.get(team_url(team_a))

    figures = embedded_json(response, "metric-data")
    assert [f["layout"]["title"]["text"] for f in figures] == [
        "Time to value (days)",
        "Onboarding CSAT (1-5)",
    ]
    csat = figures[1]
    assert csat["data"][0]["x"] == ["2025 Q3", "2025 Q4", "2026 Q1"]
    assert csat["data"][0]["y"] == [3.5, None, 4.25]
    (line,) = csat["layout"]["shapes"]
    assert (line["x0"], line["x1"], line["line"]["dash"]) == ("2025 Q4", "2025 Q4", "dot")
    (note,) = csat["layout"]["annotations"]
    assert note["text"] == "Theme MP"
    assert "Manageability & Productivity" in note["hovertext"]
    for figure in figures:
        go.Figure(figure)
    html = response.content.decode()
    assert html.count('class="metric-chart"') == 2
    assert "/static/vendor/plotly/plotly-custom.min.js" in html


def test_the_page_has_no_inline_script_and_no_cdn(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 1), 2)
    metrics_save(team=team_a, period=Quarter(2026, 1), user=lead_a, values={"nps": 5})
    client.force_login(lead_a)
    html = client.get(team_url(team_a)).content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    ours = ('type="application/json"', 'src="/static/', f'src="{reverse("javascript-catalog")}"')
    for attributes in scripts:  # data, our static files, or our own translations for scripts
        assert any(kind in attributes for kind in ours), attributes
    assert "cdn" not in html.lower()


def test_the_metric_charts_span_every_quarter_between_the_first_and_last():
    """Pure: no database."""

    class Row:
        def __init__(self, **values):
            for field in ["time_to_first_value_days", "time_to_value_days"]:
                setattr(self, field, values.get(field))
            for field in ["onboarding_duration_days", "csat", "nps"]:
                setattr(self, field, values.get(field))
            self.milestones_on_time_pct = self.customers_onboarded = None

    assert quarter_span([Quarter(2026, 2), Quarter(2025, 3)]) == [
        Quarter(2025, 3),
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 2),
    ]
    assert metric_charts({}, [ThemeMark(Quarter(2026, 1), "VO", "Value Orientation")]) == []
    (chart,) = metric_charts(
        {Quarter(2026, 2): Row(nps=10)}, [ThemeMark(Quarter(2025, 4), "VO", "Value Orientation")]
    )
    assert chart.field == "nps"
    assert chart.figure["data"][0]["x"] == ["2025 Q4", "2026 Q1", "2026 Q2"]
    assert chart.figure["data"][0]["y"] == [None, None, 10]
    assert chart.figure["layout"]["yaxis"]["range"] == [-110, 110]


# --- Who may ------------------------------------------------------------------------------------


@pytest.fixture
def respondent(model_v0, team_a, lead_a):
    """Invited to answer team A's draft; leads no team."""
    person = make_user("respondent", first_name="Rae", last_name="Respondent")
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    respondents_invite(assessment=draft, users=[person], invited_by=lead_a)
    return person


@pytest.mark.parametrize("person", ["lead_b", "outside_consultant", "respondent"])
def test_people_who_may_not_see_the_team_get_404_and_nothing_is_saved(
    request, client, model_v0, team_a, lead_a, person
):
    targets_save(team=team_a, user=lead_a, targets={"VO": TargetInput(10)}, codes=CODES)
    client.force_login(lead_a)
    targets = page_form(client.get(team_url(team_a)), "targets-form") | {"VO-target": "20"}
    figures = page_form(client.get(team_url(team_a)), "metrics-form") | {"nps": "50"}
    client.force_login(request.getfixturevalue(person))

    assert client.get(team_url(team_a)).status_code == 404
    assert client.post(targets_url(team_a), targets).status_code == 404
    assert client.post(metrics_url(team_a), figures).status_code == 404

    assert saved_targets(team_a) == {"VO": (10, False, "")}
    assert saved_metrics(team_a) == []


def test_a_consultant_of_the_organization_may_set_the_plan(client, model_v0, team_a, consultant):
    client.force_login(consultant)
    page = client.get(team_url(team_a))
    targets = page_form(page, "targets-form") | {"AO-target": "16"}
    figures = page_form(page, "metrics-form") | {"customers_onboarded": "9"}

    assert client.post(targets_url(team_a), targets).status_code == 302
    assert client.post(metrics_url(team_a), figures).status_code == 302
    assert saved_targets(team_a) == {"AO": (16, False, "")}
    assert [row[-1] for row in saved_metrics(team_a)] == [9]


def test_signed_out_people_are_sent_to_sign_in_and_nothing_is_saved(client, model_v0, team_a):
    response = client.post(targets_url(team_a), {"VO-target": "20"})
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(metrics_url(team_a), {"quarter": current_quarter().key, "nps": "1"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert saved_targets(team_a) == {} and saved_metrics(team_a) == []


def test_the_plan_forms_take_only_posts(client, model_v0, team_a, lead_a):
    client.force_login(lead_a)
    assert client.get(targets_url(team_a)).status_code == 405
    assert client.get(metrics_url(team_a)).status_code == 405


# --- Bounded queries ----------------------------------------------------------------------------


def page_queries(client, team) -> tuple[int, int]:
    """Queries of the team page by a freshly started worker, then by a warm one."""
    client.get(team_url(team))
    forget_model_structures()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(team_url(team)).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def test_the_page_queries_do_not_grow_with_quarters_figures_or_themes(
    client, model_v0, team_a, lead_a, consultant
):
    values = {"time_to_value_days": 30, "csat": Decimal("4.1"), "nps": 12, "customers_onboarded": 3}
    client.force_login(lead_a)
    quarter = Quarter(2022, 1)
    submit(team_a, lead_a, quarter, 3)
    few = page_queries(client, team_a)
    targets_save(
        team=team_a,
        user=consultant,
        targets={code: TargetInput(15 + i) for i, code in enumerate(CODES)},
        codes=CODES,
    )
    metrics_save(team=team_a, period=quarter, user=lead_a, values=values)
    for code in ["VO", "CX", "AO", "MP", "VO", "CX", "AO", "MP", "VO"]:
        quarter = quarter.next()
        assessment = submit(team_a, lead_a, quarter, 4)
        theme_choose(assessment=assessment, user=lead_a, dimension=dimension(model_v0, code))
        metrics_save(team=team_a, period=quarter, user=lead_a, values=values)
    many = page_queries(client, team_a)
    assert many == few == (12, 7)
    response = client.get(team_url(team_a))
    assert len(embedded_json(response, "metric-data")) == 4
    assert response.content.decode().count("Theme for next quarter:") == 9


def test_the_figures_table_writes_figures_as_entered(client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 1), 2)
    metrics_save(
        team=team_a,
        period=Quarter(2026, 1),
        user=lead_a,
        values={"csat": Decimal("3.80"), "time_to_value_days": 45},
    )
    client.force_login(lead_a)
    html = client.get(team_url(team_a)).content.decode()
    table = html[html.index('class="table table-sm align-middle metrics-table"') :]
    assert "<td>3.8</td>" in table and "<td>45</td>" in table and "3.80" not in table
