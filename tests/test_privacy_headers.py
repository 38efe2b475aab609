"""Client data is never cached by anyone but the person's own browser session; browser features
the app does not use are off; the CSRF token lives in the session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import submit


@pytest.fixture
def pages(model_v0, team_a, lead_a, acme):
    assessment = submit(team_a, lead_a, Quarter(2026, 2), 3)
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    return [
        reverse("assessments:dashboard"),
        reverse("assessments:report", args=[draft.pk]),
        reverse("assessments:export-json", args=[assessment.pk]),
        reverse("assessments:export-csv", args=[acme.slug]),
        reverse("assessments:team", args=[team_a.pk]),
        reverse("assessments:new"),
    ]


@pytest.fixture
def submitted_report_urls(pages, team_a):
    assessment = team_a.assessments.get(year=2026, quarter=2)
    return [
        reverse("assessments:report", args=[assessment.pk]),
        reverse("assessments:report-pdf", args=[assessment.pk]),
    ]


def directives_of(response) -> set[str]:
    return {d.strip() for d in response["Cache-Control"].split(",")}


def test_every_page_and_file_with_client_data_is_private_and_not_stored(client, lead_a, pages):
    client.force_login(lead_a)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= directives_of(response), (url, response["Cache-Control"])


def test_a_submitted_report_and_its_pdf_are_private_and_revalidated_every_time(
    client, lead_a, submitted_report_urls
):
    """Never in a shared cache; the browser may keep them but must ask before showing them
    again, so a repeat view is a 304 (issue 14) and a changed report is never shown stale."""
    client.force_login(lead_a)
    for url in submitted_report_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = directives_of(response)
        assert {"private", "no-cache"} <= directives, (url, response["Cache-Control"])
        assert "public" not in directives and response.has_header("ETag"), url


def test_a_wizard_step_is_private_and_not_stored(client, lead_a, model_v0, team_a):
    client.force_login(lead_a)
    response = client.post(reverse("assessments:new"), {"team": team_a.pk, "period": "2026Q3"})
    step = client.get(response["Location"])
    assert {"private", "no-store"} <= {d.strip() for d in step["Cache-Control"].split(",")}


def test_pages_switch_off_browser_features_the_app_never_uses(client, lead_a, pages):
    client.force_login(lead_a)
    policy = client.get(pages[0])["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert "camera=()" in client.get(reverse("login"))["Permissions-Policy"]


def test_the_csrf_token_is_kept_in_the_session_not_in_a_cookie(client, db):
    page = client.get(reverse("login"))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert "csrftoken" not in page.cookies
    assert "_csrftoken" in client.session
