"""The report and its PDF for an assessment several people answered: who answered, how their
scores spread per question, the questions worth discussing, and the range on the radar."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from assessments import team_services, views
from assessments.agreement import Spread
from assessments.periods import Quarter
from assessments.reports import (
    build_report,
    distribution_bars,
    distribution_sentence,
    median_text,
)
from assessments.services import assessment_start, assessment_submit
from catalogue.models import Question
from catalogue.selectors import forget_model_structures
from tests.conftest import fill, make_user, questions_of, submit
from tests.svg_chart import Radar

QUARTER = Quarter(2026, 3)
BASE = 3
# Everyone scores 3 but for these questions. In the order they answer: the invited people,
# then the lead, whose own answers are kept as a response when they submit.
SCORES = {
    "Sam Smith": {"VO-1": 3, "CX-2": 3, "AO-3": 2, "MP-1": 3},
    "Kim Kay": {"VO-1": 3, "CX-2": 3, "AO-3": 4, "MP-1": 3},
    "Lee Long": {"VO-1": 5, "CX-2": 3, "AO-3": 4, "MP-1": 2},
}
LEAD_SCORES = {"VO-1": 1, "CX-2": 2, "AO-3": 2, "MP-1": 2}
# VO-1: 1 3 3 5, spread 4: discuss, agreed the median 3.
# CX-2: 2 3 3 3, spread 1: agreed 3, nothing to discuss.
# AO-3: 2 2 4 4, spread 2: discuss; median 3, the lead agreed 4.
# MP-1: 2 3 3 2, spread 1; median 2.5 (default 2), the lead agreed 3.
AGREED = {"AO-3": (4, "Pilots show it works."), "MP-1": (3, "We agreed in the workshop.")}
NAMES = list(SCORES)


def scores_of(overrides: dict[str, int]) -> dict[Question, tuple[int, str]]:
    return {q: (overrides.get(q.code, BASE), "") for q in Question.objects.all()}


def team_assessment(
    team,
    lead,
    *,
    people: dict[str, dict[str, int]] = SCORES,
    lead_scores: dict[str, int] = LEAD_SCORES,
    agreed: dict[str, tuple[int, str]] = AGREED,
    anonymous: bool = False,
    quarter: Quarter = QUARTER,
    removed: dict[str, dict[str, int]] | None = None,
):
    """A lead and the given people answer; the lead agrees the given scores and submits."""
    assessment, _ = assessment_start(team=team, period=quarter, user=lead)
    codes = [q.code for q in questions_of(assessment.model)]
    fill(assessment, {code: lead_scores.get(code, BASE) for code in codes})
    everyone = {**people, **(removed or {})}
    for name, overrides in everyone.items():
        first, last = name.split()
        username = f"{first.lower()}-{quarter.year}-{quarter.quarter}"
        user = make_user(username, first_name=first, last_name=last)
        (respondent,) = team_services.respondents_invite(
            assessment=assessment, users=[user], invited_by=lead, anonymous=anonymous
        )
        team_services.response_answers_save(respondent=respondent, answers=scores_of(overrides))
        team_services.response_submit(respondent=respondent)
        if removed and name in removed:
            team_services.respondent_remove(respondent=respondent)
    if agreed:
        team_services.agreed_scores_save(
            assessment=assessment,
            agreed={Question.objects.get(code=code): value for code, value in agreed.items()},
        )
    return assessment_submit(assessment=assessment, user=lead)


@pytest.fixture
def lead_client(client, lead_a):
    client.force_login(lead_a)
    return client


def report_html(client, assessment) -> str:
    response = client.get(reverse("assessments:report", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def visible_text(html: str) -> str:
    """The page's text without tags, as one line."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def answer_cells(html: str, code: str) -> list[str]:
    """The text of each cell of a question's row in the answers table."""
    row = re.search(rf'<tr>\s*<th scope="row">{code}</th>(.*?)</tr>', html, re.S)
    assert row, f"no answer row for {code}"
    return [visible_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


# --- Pure helpers: the distribution in bars and in words -----------------------------------


def test_distribution_bars_show_one_bar_per_person_for_each_score_given():
    assert distribution_bars(Spread((1, 3, 3, 5))) == "1 ▮ 3 ▮▮ 5 ▮"
    assert distribution_bars(Spread((4, 4, 4))) == "4 ▮▮▮"


def test_distribution_in_words_names_people_once_then_counts():
    assert (
        distribution_sentence(Spread((5, 3, 1, 3))) == "1 person scored 1, 2 scored 3, 1 scored 5"
    )
    assert distribution_sentence(Spread((2, 2))) == "2 people scored 2"


def test_median_prints_whole_or_half():
    assert median_text(Spread((1, 3, 5))) == "3"
    assert median_text(Spread((2, 3, 3, 4))) == "3"
    assert median_text(Spread((2, 3))) == "2.5"


# --- Who answered -------------------------------------------------------------------------


def test_the_report_says_how_many_people_answered_and_names_them_to_the_lead(
    lead_client, model_v0, team_a, lead_a
):
    assessment = team_assessment(team_a, lead_a)
    text = visible_text(section(report_html(lead_client, assessment), "summary-heading"))
    assert "4 people answered: Sam Smith, Kim Kay, Lee Long, Alex Lead." in text


def test_a_consultant_of_the_organization_sees_the_names_too(
    client, consultant, model_v0, team_a, lead_a
):
    assessment = team_assessment(team_a, lead_a)
    client.force_login(consultant)
    text = visible_text(report_html(client, assessment))
    assert "4 people answered: Sam Smith, Kim Kay, Lee Long, Alex Lead." in text


def test_an_anonymous_assessment_never_names_who_answered(lead_client, model_v0, team_a, lead_a):
    assessment = team_assessment(team_a, lead_a, anonymous=True)
    html = report_html(lead_client, assessment)
    assert "4 people answered." in visible_text(html)
    for name in [*NAMES, "Respondent 1"]:
        assert name not in html


def test_an_invited_respondent_reads_the_report_and_pdf_without_names(
    client, model_v0, team_a, lead_a
):
    assessment = team_assessment(team_a, lead_a)
    client.force_login(get_user_model().objects.get(username="sam-2026-3"))
    html = report_html(client, assessment)
    assert "4 people answered." in visible_text(section(html, "summary-heading"))
    assert answer_cells(html, "VO-1")[2] == "4 discuss"  # the spread, like the rest of the team
    text = pdf_text(client, assessment)
    assert "Answered by 4 people" in text and "Answered by 4 people:" not in text
    for name in ["Kim Kay", "Lee Long", "Respondent 1"]:  # the lead submitted: named as before
        assert name not in html and name not in text


def test_names_are_for_the_people_who_manage_the_team_only(model_v0, team_a, lead_a, consultant):
    assessment = team_assessment(team_a, lead_a)
    report = build_report(assessment)
    sam = report.team.counted[0].user
    assert sam.get_full_name() == "Sam Smith"
    assert views._shows_names(lead_a, report) is True
    assert views._shows_names(consultant, report) is True
    assert views._shows_names(sam, report) is False  # an invited respondent
    assert views._report_context(report, show_names=False)["respondent_names"] == []
    assert views._report_context(report, show_names=True)["respondent_names"] == [
        *NAMES,
        "Alex Lead",
    ]
    assessment.anonymous_responses = True
    assert views._shows_names(lead_a, build_report(assessment)) is False


def test_a_solo_assessment_says_one_person_answered_and_has_no_spread_columns(
    lead_client, model_v0, team_a, lead_a
):
    assessment = submit(team_a, lead_a, QUARTER, 4)
    html = report_html(lead_client, assessment)
    assert "1 person answered: Alex Lead." in visible_text(section(html, "summary-heading"))
    assert answer_cells(html, "VO-1")[1:3] == ["4 – Measured", ""]
    assert '<th scope="col">Spread</th>' not in html and "Agreed score" not in html
    assert "Discussed questions" not in html
    assert "Each person's total" not in html


def test_a_removed_response_is_not_counted_and_the_report_says_so(
    lead_client, model_v0, team_a, lead_a
):
    people = dict(list(SCORES.items())[:2])
    assessment = team_assessment(
        team_a, lead_a, people=people, removed={"Rob Gone": {"VO-1": 1}}, agreed={}
    )
    html = report_html(lead_client, assessment)
    text = visible_text(section(html, "summary-heading"))
    assert (
        "3 people answered: Sam Smith, Kim Kay, Alex Lead. 1 removed response is not counted."
        in (text)
    )
    assert "Rob Gone" not in html
    # VO-1: the lead's 1 and two 3s; the removed person's 1 is left out.
    assert answer_cells(html, "VO-1")[3].split("▮")[-1].strip() == "1 person scored 1, 2 scored 3"


# --- Per question ---------------------------------------------------------------------------


def test_each_answer_shows_the_agreed_score_its_spread_and_who_gave_which_score(
    lead_client, model_v0, team_a, lead_a
):
    html = report_html(lead_client, team_assessment(team_a, lead_a))
    assert '<th scope="col">Agreed score</th><th scope="col">Spread</th>' in html
    assert answer_cells(html, "VO-1")[1:4] == [
        "3 – Defined",
        "4 discuss",
        "1 ▮ 3 ▮▮ 5 ▮ 1 person scored 1, 2 scored 3, 1 scored 5",
    ]
    assert answer_cells(html, "CX-2")[1:4] == [
        "3 – Defined",
        "1",
        "2 ▮ 3 ▮▮▮ 1 person scored 2, 3 scored 3",
    ]
    assert answer_cells(html, "AO-3")[1:3] == ["4 – Measured", "2 discuss"]
    assert answer_cells(html, "MP-1")[1:3] == ["3 – Defined", "1"]
    assert answer_cells(html, "VO-2")[1:4] == ["3 – Defined", "0", "3 ▮▮▮▮ 4 people scored 3"]


def test_the_bars_are_hidden_from_screen_readers_which_read_the_words(
    lead_client, model_v0, team_a, lead_a
):
    html = report_html(lead_client, team_assessment(team_a, lead_a))
    row = re.search(r'<th scope="row">VO-1</th>(.*?)</tr>', html, re.S).group(1)
    assert '<span aria-hidden="true">1 ▮ 3 ▮▮ 5 ▮</span>' in row
    assert '<span class="visually-hidden">1 person scored 1, 2 scored 3, 1 scored 5</span>' in row


def test_discussed_questions_list_the_flagged_and_the_lead_set_ones_with_reasons(
    lead_client, model_v0, team_a, lead_a
):
    html = report_html(lead_client, team_assessment(team_a, lead_a))
    discussed = section(html, "discussed-heading")
    listed = re.findall(r'<h3 class="h6 mb-1">(\w+-\d):', discussed)
    assert listed == ["VO-1", "AO-3", "MP-1"]
    items = [visible_text(item) for item in discussed.split('<li class="card mb-2 discussed">')[1:]]
    assert "Agreed 3 – Defined · median 3 · spread 4 discuss" in items[0]
    assert "The lead agreed" not in items[0]
    assert "Agreed 4 – Measured · median 3 · spread 2 discuss" in items[1]
    assert "The lead agreed 4 rather than 3: Pilots show it works." in items[1]
    assert "Agreed 3 – Defined · median 2.5 · spread 1 " in items[2]
    assert "discuss" not in items[2]
    assert "The lead agreed 3 rather than 2: We agreed in the workshop." in items[2]


def test_a_team_that_agreed_everywhere_is_told_there_was_nothing_to_discuss(
    lead_client, model_v0, team_a, lead_a
):
    calm = {"Sam Smith": {"VO-1": 4}}
    assessment = team_assessment(team_a, lead_a, people=calm, lead_scores={}, agreed={})
    discussed = visible_text(section(report_html(lead_client, assessment), "discussed-heading"))
    assert "Nothing to discuss: everyone scored every question within 1 point" in discussed


# --- The radar --------------------------------------------------------------------------------


def test_the_radar_shows_the_lowest_and_highest_totals_behind_the_agreed_line(
    lead_client, model_v0, team_a, lead_a
):
    submit(team_a, lead_a, Quarter(2026, 2), 2)
    response = lead_client.get(
        reverse("assessments:report", args=[team_assessment(team_a, lead_a).pk])
    )
    figure = Radar.of_page(response.content.decode())
    lowest, highest = figure.answer_range
    assert lowest == [13, 14, 14, 14]
    assert highest == [17, 15, 16, 15]
    assert figure.current == [15, 15, 16, 15]
    assert figure.previous == [[10, 10, 10, 10]]
    # Drawn in this order: the band first, behind the previous quarter and the agreed line.
    (band,) = figure.elements("path")
    assert band.get("fill-rule") == "evenodd"  # the lowest outline cut out of the highest
    (previous,) = figure.elements("polygon", stroke="#6c757d")
    (agreed,) = figure.elements("polygon", fill="#0a4baf")
    assert figure.drawn_before(band, previous) and figure.drawn_before(previous, agreed)
    legend = [e.label for e in response.context["radar"].legend]
    assert legend == ["2026 Q3", "2026 Q2", "Lowest to highest answer"]
    summary = visible_text(section(response.content.decode(), "summary-heading"))
    assert "Value Orientation 15 / 25 Room for improvement Each person's total: 13 to 17" in summary


def test_a_solo_radar_has_no_range(lead_client, model_v0, team_a, lead_a):
    response = lead_client.get(
        reverse("assessments:report", args=[submit(team_a, lead_a, QUARTER, 3).pk])
    )
    figure = Radar.of_page(response.content.decode())
    assert figure.answer_range == [] and not figure.elements("path")


# --- The PDF --------------------------------------------------------------------------------


def pdf_text(client, assessment) -> str:
    response = client.get(reverse("assessments:report-pdf", args=[assessment.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_says_who_answered_the_spread_and_the_discussed_questions(
    lead_client, model_v0, team_a, lead_a
):
    text = pdf_text(lead_client, team_assessment(team_a, lead_a))
    assert "Answered by 4 people: Sam Smith, Kim Kay, Lee Long, Alex Lead" in text
    assert (
        "lowest to the highest total among the 4 people who answered: Value Orientation 13 to 17;"
        " CX & Delivery 14 to 15; Adaptability & Organization 14 to 16;"
        " Manageability & Productivity 14 to 15." in text
    )
    answers = text[text.index("Every answer") :]
    unwrapped = "".join(answers.split())
    assert "3Definedspread4discuss1▮3▮▮5▮" in unwrapped  # VO-1
    assert "3Definedspread12▮3▮▮▮" in unwrapped  # CX-2
    discussed = "".join(
        text[text.index("Discussed questions") : text.index("Every answer")].split()
    )
    assert discussed.index("VO-1:") < discussed.index("AO-3:") < discussed.index("MP-1:")
    assert "CX-2:" not in discussed
    assert "Agreed3–Defined·median2.5·spread1·2▮▮3▮▮" in discussed
    assert "Theleadagreed3ratherthan2:Weagreedintheworkshop." in discussed


def test_an_anonymous_pdf_never_names_who_answered(lead_client, model_v0, team_a, lead_a):
    text = pdf_text(lead_client, team_assessment(team_a, lead_a, anonymous=True))
    assert "Answered by 4 people" in text
    assert "Answered by 4 people:" not in text
    for name in [*NAMES, "Respondent 1"]:
        assert name not in text


def test_a_solo_pdf_says_one_person_and_prints_no_spread(lead_client, model_v0, team_a, lead_a):
    text = pdf_text(lead_client, submit(team_a, lead_a, QUARTER, 3))
    assert "Answered by 1 person: Alex Lead" in text
    assert "spread" not in text.lower() and "Discussed questions" not in text
    assert "Score Note" in text  # the solo table's columns


# --- Bounded queries --------------------------------------------------------------------------


def same_scores(count: int) -> dict[str, dict[str, int]]:
    return {f"Person{n} Many": {"VO-1": 1 + n % 5} for n in range(count)}


def queries(client, url: str) -> int:
    client.get(url)  # the session's CSRF token
    forget_model_structures()  # the cold path: the most a request can cost
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["assessments:report", "assessments:report-pdf"])
def test_the_report_costs_the_same_queries_for_one_or_ten_people(
    client, consultant, model_v0, team_a, lead_a, team_b, lead_b, name
):
    # Two teams' first quarters, so neither has a previous quarter to compare with.
    solo = submit(team_a, lead_a, QUARTER, 3)
    ten = team_assessment(team_b, lead_b, people=same_scores(9), agreed={})
    assert build_report(ten).answered_count == 10
    client.force_login(consultant)
    one_person = queries(client, reverse(name, args=[solo.pk]))
    ten_people = queries(client, reverse(name, args=[ten.pk]))
    assert ten_people == one_person
