"""The report page: numbers, bands, radar data, change since the previous quarter."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.models import Question
from catalogue.selectors import forget_model_structures
from tests.conftest import embedded_json, submit
from tests.svg_chart import Radar

DIMENSIONS = ("VO", "CX", "AO", "MP")


def by_dimension(**totals_per_question: int) -> dict[str, int]:
    return {f"{d}-{n}": totals_per_question[d] for d in DIMENSIONS for n in range(1, 6)}


@pytest.fixture
def lead_client(client, lead_a):
    client.force_login(lead_a)
    return client


def radar(response) -> Radar:
    return Radar.of_page(response.content.decode())


def test_report_shows_totals_bands_and_focus(lead_client, model_v0, team_a, lead_a):
    report = submit(team_a, lead_a, Quarter(2026, 3), by_dimension(VO=5, CX=3, AO=2, MP=4))
    html = lead_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "70 / 100" in html
    for total, label in [
        (25, "Excellent"),
        (15, "Room for improvement"),
        (10, "Needs immediate attention"),
    ]:
        assert f"{total}<span" in html and label in html
    assert "Focus for next quarter" in html and "Adaptability &amp; Organization (10 / 25" in html
    assert "Customer Onboarding Maturity Model v0, Rocketlane" in html
    assert "medium to high touch onboarding" in html


def test_the_radar_holds_the_totals_and_the_labelled_band_rings(
    lead_client, model_v0, team_a, lead_a
):
    report = submit(team_a, lead_a, Quarter(2026, 3), by_dimension(VO=5, CX=3, AO=2, MP=4))
    response = lead_client.get(reverse("assessments:report", args=[report.pk]))
    figure = radar(response)
    assert figure.current == [25, 15, 10, 20]  # first axis at the top, then clockwise
    assert figure.labels == [
        "Value Orientation (25)",
        "CX & Delivery (15)",
        "Adaptability & Organization (10)",
        "Manageability & Productivity (20)",
    ]
    assert figure.rings == [10, 18, 25]  # the band thresholds and the top, each labelled
    legend = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))
    assert (
        "Rings at the band limits: up to 10 Needs immediate attention; up to 18 Room for "
        "improvement; up to 25 Excellent." in legend
    )
    assert "2026 Q3: Value Orientation 25 of 25; CX &amp; Delivery 15 of 25;" in (
        response.content.decode()
    )  # the SVG's description, for screen readers


def test_previous_quarter_is_overlaid_and_compared(lead_client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 1), by_dimension(VO=1, CX=1, AO=1, MP=1))
    submit(team_a, lead_a, Quarter(2026, 2), by_dimension(VO=3, CX=4, AO=2, MP=2))
    report = submit(team_a, lead_a, Quarter(2026, 3), by_dimension(VO=4, CX=4, AO=2, MP=1))
    response = lead_client.get(reverse("assessments:report", args=[report.pk]))
    figure = radar(response)
    assert figure.previous == [[15, 20, 10, 10]]  # 2026 Q2 only, not 2026 Q1
    legend = [e.label for e in response.context["radar"].legend]
    assert legend == ["2026 Q3", "2026 Q2"]
    comparison = response.context["comparison"]
    assert [c.delta for c in comparison.dimensions] == [5, 0, 0, -5]
    assert comparison.overall_delta == 0
    html = response.content.decode()
    assert "Room for improvement → Excellent" in html
    assert "Needs immediate attention → Needs immediate attention" not in html
    assert "▲ +5" in html and "▼ -5" in html


def test_first_quarter_has_no_previous_trace(lead_client, model_v0, team_a, lead_a):
    report = submit(team_a, lead_a, Quarter(2026, 3), 3)
    response = lead_client.get(reverse("assessments:report", args=[report.pk]))
    assert radar(response).previous == []
    assert [e.label for e in response.context["radar"].legend] == ["2026 Q3"]
    assert "No earlier submitted quarter" in response.content.decode()


def test_the_report_loads_no_charting_script(lead_client, submitted_assessment):
    """The radar is inline SVG: no plotly.js (1.46 MB gzipped in full) and no chart JSON."""
    html = lead_client.get(
        reverse("assessments:report", args=[submitted_assessment.pk])
    ).content.decode()
    assert "plotly" not in html.lower()
    assert "report-charts.js" not in html and 'id="radar-data"' not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 460 ' in html
    assert "cdn" not in html.lower()


def test_a_draft_report_shows_progress_and_links_back(lead_client, model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    response = lead_client.get(reverse("assessments:report", args=[draft.pk]))
    html = response.content.decode()
    assert "still a draft: 0 of 20 questions answered" in html
    assert reverse("assessments:step", args=[draft.pk, 1]) in html
    assert 'id="radar-data"' not in html


def test_notes_with_html_are_escaped(lead_client, model_v0, team_a, lead_a):
    report = submit(team_a, lead_a, Quarter(2026, 3), 3, {"VO-1": "<script>alert(1)</script>"})
    html = lead_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def report_queries(client, assessment) -> int:
    client.get(reverse("assessments:report", args=[assessment.pk]))  # the session's CSRF token
    forget_model_structures()  # count the cold path: the most a request can cost
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("assessments:report", args=[assessment.pk])).status_code == 200
    return len(queries)


def test_report_query_count_does_not_grow_with_history(lead_client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2023, 1), 2)
    second = submit(team_a, lead_a, Quarter(2023, 2), 3)
    short_history = report_queries(lead_client, second)
    quarter, latest = Quarter(2023, 3), None
    for _ in range(10):
        latest = submit(team_a, lead_a, quarter, 4)
        quarter = quarter.next()
    assert report_queries(lead_client, latest) == short_history
    # 11 before several respondents; +3 for the responses kept with the assessment (the
    # respondents, their answers, the agreed rows) and +1 for who may see their names; +4 for
    # the plan (who may change it, the team's targets, the actions, the quarter's figures);
    # +1 for the last quarter with a theme, whose verdict opens the report; +1 for the peer
    # benchmark's stored figures.
    assert short_history <= 21


def test_when_every_dimension_ties_no_single_theme_is_claimed(
    lead_client, model_v0, team_a, lead_a
):
    report = submit(team_a, lead_a, Quarter(2026, 3), 5)
    html = lead_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "no single theme stands out" in html
    assert "With several areas to improve" not in html
    assert "Every question here scored 5" in html


def test_an_imported_assessment_without_a_submitter_has_a_report(
    client, admin_user, tmp_path, model_v0
):
    import io as _io

    from django.core.management import call_command

    from assessments.models import Assessment

    codes = [f"{d}-{n}" for d in DIMENSIONS for n in range(1, 6)]
    path = tmp_path / "import.csv"
    path.write_text(
        "organization,team,year,quarter,model_version,question,score,note\n"
        + "".join(f"Initech,Ops,2026,1,v0,{code},4,\n" for code in codes),
        encoding="utf-8",
    )
    call_command("import_assessments", str(path), stdout=_io.StringIO())
    imported = Assessment.objects.get(team__name="Ops")
    client.force_login(admin_user)
    response = client.get(reverse("assessments:report", args=[imported.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Submitted (imported) on" in html
    assert "The answers were imported: who gave them is not recorded." in html
    assert "person answered" not in html
    assert client.get(reverse("assessments:report-pdf", args=[imported.pk])).status_code == 200


def test_the_history_figures_are_valid_plotly_figures(lead_client, model_v0, team_a, lead_a):
    import plotly.graph_objects as go

    submit(team_a, lead_a, Quarter(2026, 2), 2)
    submit(team_a, lead_a, Quarter(2026, 3), 4)
    history = lead_client.get(reverse("assessments:team", args=[team_a.pk]))
    for figure in embedded_json(history, "history-data"):
        go.Figure(figure)  # raises ValueError on any attribute plotly does not know


# --- Per card and per row: each dimension's own numbers; the wording as it was asked ---------

CARD = re.compile(
    r'<div class="card h-100 dimension-card">\s*<div class="card-body">(.*?)</div>\s*</div>', re.S
)


def dimension_cards(html: str) -> list[tuple[str, int, int, str, str]]:
    """(name, total, max, band tone, band label) read from each dimension card on the page."""
    cards = []
    for body in CARD.findall(html):
        name = re.search(r'<h3 class="h6 card-title">(.*?)</h3>', body, re.S)
        total = re.search(r'<p class="total mb-1">(\d+)<span[^>]*> / (\d+)</span></p>', body)
        band = re.search(r'<span class="badge band band-(\w+)">(.*?)</span>', body)
        assert name and total and band, f"an incomplete dimension card: {body}"
        cards.append(
            (
                unescape(name.group(1)).strip(),
                int(total.group(1)),
                int(total.group(2)),
                band.group(1),
                unescape(band.group(2)),
            )
        )
    return cards


def test_each_dimension_card_shows_its_own_total_and_band(lead_client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 2), by_dimension(VO=3, CX=4, AO=2, MP=2))
    report = submit(team_a, lead_a, Quarter(2026, 3), by_dimension(VO=5, CX=3, AO=1, MP=4))
    html = lead_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert dimension_cards(html) == [
        ("Value Orientation", 25, 25, "good", "Excellent"),
        ("CX & Delivery", 15, 25, "caution", "Room for improvement"),
        ("Adaptability & Organization", 5, 25, "critical", "Needs immediate attention"),
        ("Manageability & Productivity", 20, 25, "good", "Excellent"),
    ]


def radar_table_rows(html: str) -> list[tuple[str, ...]]:
    """Each dimension row of the table beside the radar, as its cells' text."""
    section = html[html.index('id="radar-heading"') : html.index('id="focus-heading"')]
    rows = []
    for row in re.findall(r"<tr>\s*(<th scope=\"row\">.*?)</tr>", section, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append(tuple(" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells))
    return rows


def test_the_radar_table_shows_this_quarter_beside_the_previous_one_per_row(
    lead_client, model_v0, team_a, lead_a
):
    submit(team_a, lead_a, Quarter(2026, 2), by_dimension(VO=3, CX=4, AO=2, MP=2))
    report = submit(team_a, lead_a, Quarter(2026, 3), by_dimension(VO=5, CX=3, AO=1, MP=4))
    html = lead_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert radar_table_rows(html) == [
        (
            "Value Orientation",
            "25 Excellent",
            "15 Room for improvement",
            "▲ +10 Room for improvement → Excellent",
        ),
        (
            "CX & Delivery",
            "15 Room for improvement",
            "20 Excellent",
            "▼ -5 Excellent → Room for improvement",
        ),
        (
            "Adaptability & Organization",
            "5 Needs immediate attention",
            "10 Needs immediate attention",
            "▼ -5",
        ),
        (
            "Manageability & Productivity",
            "20 Excellent",
            "10 Needs immediate attention",
            "▲ +10 Needs immediate attention → Excellent",
        ),
    ]


def answer_row_text(html: str, code: str) -> str:
    match = re.search(rf'<th scope="row">{code}</th>\s*<td>(.*?)</td>', html, re.S)
    assert match, f"no answer row for {code}"
    return unescape(match.group(1)).strip()


def test_a_reworded_question_shows_as_it_was_asked(lead_client, model_v0, team_a, lead_a):
    report = submit(team_a, lead_a, Quarter(2026, 3), by_dimension(VO=4, CX=1, AO=3, MP=4))
    question = Question.objects.get(dimension__model=model_v0, code="CX-2")
    asked = question.text
    question.text = "Reworded after submission: do customers co-sign every milestone?"
    question.save()  # as the admin change form does

    html = lead_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "Reworded after submission" not in html
    assert answer_row_text(html, "CX-2") == asked
    # CX is the focus theme: its weakest questions are quoted there too, as asked.
    focus = html[html.index('id="focus-heading"') : html.index("Every answer")]
    assert f"CX-2 (scored 1):</strong> {escape(asked)}" in focus

    # A draft still asks the current wording.
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    html = lead_client.get(reverse("assessments:report", args=[draft.pk])).content.decode()
    assert answer_row_text(html, "CX-2") == question.text
