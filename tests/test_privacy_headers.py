"""Client data is never cached by anyone but the person's own browser session; browser features
the app does not use are off; the CSRF token lives in the session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.periods import Quarter
from tests.conftest import submit


@pytest.fixture
def pages(model_v0, team_a, lead_a, acme):
    assessment = submit(team_a, lead_a, Quarter(2026, 2), 3)
    return [
        reverse("assessments:dashboard"),
        reverse("assessments:report", args=[assessment.pk]),
        reverse("assessments:report-pdf", args=[assessment.pk]),
        reverse("assessments:export-json", args=[assessment.pk]),
        reverse("assessments:export-csv", args=[acme.slug]),
        reverse("assessments:team", args=[team_a.pk]),
        reverse("assessments:new"),
    ]


def test_every_page_and_file_with_client_data_is_private_and_not_stored(client, lead_a, pages):
    client.force_login(lead_a)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, (url, response["Cache-Control"])


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
