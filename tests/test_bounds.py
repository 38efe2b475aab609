"""Numbers in URLs and forms, however long or strange, answer 404 or 400: never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.ids import MAX_ID_DIGITS, parse_id
from assessments.models import Assessment
from assessments.periods import Quarter
from tests.conftest import submit

HUGE = ["9" * 19, "9" * 25, "1" * 4301, "9" * 6000, "0" * 30 + "1", "٣", "３", "²"]
NUMBERS = st.one_of(
    st.sampled_from(HUGE),
    st.text(alphabet="0123456789", min_size=1, max_size=60),
    st.integers(min_value=0, max_value=10**40).map(str),
    st.text(alphabet="0123456789٣３²-+. ", min_size=1, max_size=8),
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize(
    "value, expected",
    [("1", 1), ("42", 42), ("9" * 18, int("9" * 18)), ("9" * 19, None), ("", None), (None, None)]
    + [(v, None) for v in ("٣", "３", "²", "-1", "1.0", " 1", "1e3")],
)
def test_parse_id_takes_ascii_digits_that_can_be_a_database_id(value, expected):
    assert parse_id(value) == expected


def test_an_id_of_the_longest_length_still_fits_a_bigint():
    assert int("9" * MAX_ID_DIGITS) < 2**63 - 1


@pytest.fixture
def lead(client, lead_a, model_v0, team_a) -> Client:
    submit(team_a, lead_a, Quarter(2026, 1), 3)
    client.force_login(lead_a)
    return client


URLS = [
    "/assessments/{n}/",
    "/assessments/{n}/report.pdf",
    "/assessments/{n}/export.json",
    "/assessments/{n}/step/1/",
    "/assessments/1/step/{n}/",
    "/teams/{n}/",
]


@pytest.mark.parametrize("pattern", URLS)
@FUZZ
@given(number=NUMBERS)
def test_ids_in_urls_are_404_when_they_name_nothing(lead, pattern, number):
    response = lead.get(pattern.format(n=number))
    assert response.status_code in (200, 302, 404), (pattern, number, response.status_code)


@FUZZ
@given(number=NUMBERS)
def test_a_team_number_on_the_start_page_never_breaks_it(lead, number):
    before = Assessment.objects.count()
    assert lead.get("/assessments/new/", {"team": number}).status_code == 200
    response = lead.post("/assessments/new/", {"team": number, "period": "2026Q2"})
    assert response.status_code in (302, 400, 404)
    if response.status_code != 302:
        assert Assessment.objects.count() == before


@FUZZ
@given(number=NUMBERS)
def test_page_numbers_and_step_links_never_break_a_page(lead, number):
    assert lead.get("/", {"page": number}).status_code == 200
    draft = Assessment.objects.get(status="submitted")
    response = lead.post(f"/assessments/{draft.pk}/step/2/", {"goto": number, "nav": "next"})
    assert response.status_code == 302  # submitted: the step sends people to the report
