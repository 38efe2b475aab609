"""The wizard's outcome figures step: optional, the lead's, never blocking submit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan_services import metrics_save
from assessments.services import assessment_start
from assessments.team_services import respondents_invite
from tests.conftest import fill, page_form

FIGURES, REVIEW = 6, 7
QUARTER = Quarter(2026, 4)


@pytest.fixture
def draft(model_v0, team_a, lead_a) -> Assessment:
    assessment, _ = assessment_start(team=team_a, period=QUARTER, user=lead_a)
    return assessment


@pytest.fixture
def lead_client(lead_a) -> Client:
    client = Client()
    client.force_login(lead_a)
    return client


def url(assessment, step=FIGURES):
    return reverse("assessments:step", args=[assessment.pk, step])


def recorded(team) -> dict:
    row = OutcomeMetrics.objects.get(team=team, year=QUARTER.year, quarter=QUARTER.quarter)
    return {
        "ttfv": row.time_to_first_value_days,
        "csat": row.csat,
        "nps": row.nps,
        "customers": row.customers_onboarded,
        "by": row.updated_by,
    }


def test_the_step_asks_every_figure_for_the_assessment_s_quarter(lead_client, draft):
    response = lead_client.get(url(draft))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Step 6 of 7" in html and '<h1 class="h3">Outcome figures</h1>' in html
    assert "figures for 2026 Q4" in html
    for label in ("Time to first value (days)", "Onboarding CSAT (1-5)", "Customers onboarded"):
        assert label in html
    assert set(page_form(response)) >= {"csat", "nps", "time_to_value_days", "page_token"}


def test_figures_entered_are_saved_for_the_team_and_quarter(lead_client, draft, team_a, lead_a):
    data = page_form(lead_client.get(url(draft)))
    data.update({"time_to_first_value_days": "12", "csat": "4.25", "nps": "-5", "nav": "next"})
    response = lead_client.post(url(draft), data)
    assert response.status_code == 302 and response["Location"] == url(draft, REVIEW)
    assert recorded(team_a) == {
        "ttfv": 12,
        "csat": Decimal("4.25"),
        "nps": -5,
        "customers": None,
        "by": lead_a,
    }


def test_skipping_the_step_records_nothing(lead_client, draft):
    data = page_form(lead_client.get(url(draft)))
    data["nav"] = "next"
    response = lead_client.post(url(draft), data)
    assert response["Location"] == url(draft, REVIEW)
    assert not OutcomeMetrics.objects.exists()


def test_the_step_shows_figures_already_recorded_and_a_blank_clears_one(
    lead_client, draft, team_a, lead_a
):
    metrics_save(
        team=team_a, period=QUARTER, user=lead_a, values={"nps": 30, "customers_onboarded": 8}
    )
    data = page_form(lead_client.get(url(draft)))
    assert (data["nps"], data["customers_onboarded"]) == ("30", "8")
    data.update({"nps": "", "nav": "save"})
    assert lead_client.post(url(draft), data)["Location"] == url(draft)
    assert (recorded(team_a)["nps"], recorded(team_a)["customers"]) == (None, 8)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("csat", "6", "Onboarding CSAT (1-5) must be from 1 to 5"),
        ("csat", "0.5", "Onboarding CSAT (1-5) must be from 1 to 5"),
        ("nps", "101", "must be from -100 to 100"),
        ("nps", "abc", "Post-onboarding NPS (-100 to 100): enter a whole number"),
        ("time_to_value_days", "-1", "Time to value (days) must be from 0 to 3650"),
        ("time_to_value_days", "2.5", "Time to value (days): enter a whole number"),
        ("milestones_on_time_pct", "120", "Milestones on time (%) must be from 0 to 100"),
        ("csat", "4.123", "at most 2 decimals"),
    ],
)
def test_a_bad_figure_is_named_and_nothing_is_saved(
    lead_client, draft, team_a, lead_a, field, value, message
):
    metrics_save(team=team_a, period=QUARTER, user=lead_a, values={"customers_onboarded": 8})
    data = page_form(lead_client.get(url(draft)))
    data.update({field: value, "customers_onboarded": "9", "nav": "next"})
    response = lead_client.post(url(draft), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and "none was saved" in html
    assert recorded(team_a)["customers"] == 8


def test_the_review_shows_the_figures_with_a_link_to_change_them(lead_client, draft, team_a):
    html = lead_client.get(url(draft, REVIEW)).content.decode()
    assert "Outcome figures for 2026 Q4" in html and "None recorded" in html
    metrics_save(team=team_a, period=QUARTER, user=None, values={"time_to_value_days": 40})
    html = lead_client.get(url(draft, REVIEW)).content.decode()
    assert "Time to value (days): <strong>40</strong>" in html
    assert f'<a href="{url(draft)}">Edit' in html


def test_figures_never_block_submitting(lead_client, draft):
    fill(draft, 3)
    response = lead_client.post(reverse("assessments:submit", args=[draft.pk]))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=draft.pk).is_submitted
    assert not OutcomeMetrics.objects.exists()


def test_a_background_save_answers_with_json(lead_client, draft, team_a):
    data = page_form(lead_client.get(url(draft)))
    data["csat"] = "3"
    saved = lead_client.post(url(draft), data, headers={"X-Autosave": "1"})
    assert saved.status_code == 200 and "saved_at" in saved.json()
    assert recorded(team_a)["csat"] == 3
    data["csat"] = "nine"
    refused = lead_client.post(url(draft), data, headers={"X-Autosave": "1"})
    assert refused.status_code == 400 and "csat" in refused.json()["errors"]
    assert recorded(team_a)["csat"] == 3


def test_a_submitted_assessment_s_figures_step_leads_to_its_report(lead_client, draft):
    fill(draft, 3)
    lead_client.post(reverse("assessments:submit", args=[draft.pk]))
    response = lead_client.post(url(draft), {"csat": "4"})
    assert response["Location"] == reverse("assessments:report", args=[draft.pk])
    assert not OutcomeMetrics.objects.exists()


def test_an_invited_respondent_never_sees_the_figures_step(draft, lead_a, lead_b):
    person = lead_b  # of the same organization, not a lead of this team
    respondents_invite(assessment=draft, users=[person], invited_by=lead_a)
    client = Client()
    client.force_login(person)
    assert client.get(url(draft))["Location"] == url(draft, REVIEW)
    assert client.post(url(draft), {"csat": "4"}).status_code == 404
    assert not OutcomeMetrics.objects.exists()
    last_dimension = client.get(url(draft, 5)).content.decode()
    assert "Step 4 of 5" in last_dimension and "Outcome figures" not in last_dimension


def test_someone_outside_the_team_gets_404_and_nothing_is_saved(draft, outside_consultant):
    client = Client()
    client.force_login(outside_consultant)
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), {"csat": "4"}).status_code == 404
    assert not OutcomeMetrics.objects.exists()
