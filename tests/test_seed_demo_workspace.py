"""seed_demo's consultant workspace: anonymous peers so benchmarks show, a second client with six
teams, branding, and benchmarks computed at the end; all of it re-runnable."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from assessments.benchmarks import ALL, cohort_key
from assessments.models import Assessment
from assessments.workspace_models import PeerBenchmark
from catalogue.models import MaturityModel
from organizations.models import FirmProfile, Organization, Team
from tests.test_seed_demo import snapshot

User = get_user_model()

pytestmark = pytest.mark.usefixtures("db")

ENTERPRISE_COHORT = cohort_key("growth", "enterprise", "high")


@pytest.fixture(autouse=True)
def empty_catalogue_and_media(db, settings, tmp_path):
    """A fresh database as seed_demo first meets it; logos written under a temporary folder."""
    MaturityModel.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def benchmark_figures() -> list[tuple]:
    return sorted(
        PeerBenchmark.objects.values_list(
            "cohort",
            "dimension_code",
            "organizations",
            "lower_quartile",
            "median",
            "upper_quartile",
        )
    )


def latest_report_html(client: Client, team_slug: str) -> str:
    latest = (
        Assessment.objects.filter(
            team__organization__slug="northwind",
            team__slug=team_slug,
            status=Assessment.Status.SUBMITTED,
        )
        .order_by("-year", "-quarter")
        .first()
    )
    response = client.get(reverse("assessments:report", args=[latest.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_seeds_eight_anonymous_peers_in_the_enterprise_teams_cohort():
    seed()

    peers = Organization.objects.filter(slug__startswith="peer-organization-")
    assert sorted(peers.values_list("name", flat=True)) == sorted(
        f"Peer organization {n}" for n in range(1, 9)
    )
    for peer in peers:
        (team,) = Team.objects.filter(organization=peer)
        (assessment,) = Assessment.objects.filter(team=team)
        assert assessment.is_submitted
        assert (
            assessment.company_stage,
            assessment.customer_segment,
            assessment.touch_model,
        ) == ("growth", "enterprise", "high")
        assert not team.leads.exists()  # entered by the admin; nobody signs in as a peer


def test_seeds_a_second_client_with_six_teams_the_consultant_runs():
    seed()

    fabrikam = Organization.objects.get(slug="fabrikam")
    assert fabrikam.name == "Fabrikam Logistics"
    assert fabrikam.teams.count() == 6
    assert fabrikam.consultants.filter(username="consultant").exists()
    submitted = Assessment.objects.filter(
        team__organization=fabrikam, status=Assessment.Status.SUBMITTED
    )
    assert submitted.count() == 11  # one team has not submitted its latest quarter yet
    assert len({a.period for a in submitted}) == 2
    with fabrikam.logo.open("rb") as logo:
        assert Image.open(logo).format == "PNG"
    firm = FirmProfile.objects.get()
    assert firm.name and firm.contact_line and firm.logo


def test_benchmarks_are_computed_and_both_northwind_reports_show_one():
    output = seed()

    assert "Peer benchmarks:" in output
    counts = dict(PeerBenchmark.objects.values_list("cohort", "organizations").distinct())
    assert counts[ENTERPRISE_COHORT] == 9  # Northwind and the eight peers
    assert counts[ALL] == 10  # and Fabrikam
    client = Client()
    client.force_login(User.objects.get(username="lead"))

    enterprise = latest_report_html(client, "enterprise")
    mid_market = latest_report_html(client, "mid-market")

    assert "9 growth-stage, enterprise, high-touch organizations" in enterprise
    # Only Northwind and Fabrikam share the mid-market team's cohort: all organizations instead.
    assert "all 10 organizations" in mid_market
    for html in (enterprise, mid_market):
        assert "Peer organization" not in html and "Fabrikam" not in html


def test_the_consultant_sees_the_second_clients_teams_on_its_organization_page():
    seed()
    client = Client()
    client.force_login(User.objects.get(username="consultant"))

    response = client.get(reverse("assessments:organization", args=["fabrikam"]))

    assert response.status_code == 200
    page = response.content.decode()
    for team in Team.objects.filter(organization__slug="fabrikam"):
        assert team.name in page


def test_running_twice_changes_nothing():
    seed()
    before = snapshot()
    figures = benchmark_figures()
    logo = Organization.objects.get(slug="fabrikam").logo.name

    output = seed()

    assert snapshot() == before
    assert Organization.objects.get(slug="fabrikam").logo.name == logo
    assert FirmProfile.objects.count() == 1
    assert benchmark_figures() == figures  # recomputed, the same
    assert "0 assessments created, 19 already there; branding: 0 written" in output
