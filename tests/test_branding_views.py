"""Logos are served only to people who may see whose they are, as images and nothing else."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from organizations.logos import PNG_SIGNATURE, logo_reencoded
from organizations.models import FirmProfile
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def logo(colour="navy", image_format="PNG"):
    out = io.BytesIO()
    Image.new("RGB", (160, 80), colour).save(out, format=image_format)
    return logo_reencoded(SimpleUploadedFile(f"logo.{image_format.lower()}", out.getvalue()))


@pytest.fixture
def acme_logo(acme, team_a):  # an organization is visible through its teams
    acme.logo = logo()
    acme.save()
    return default_storage.open(acme.logo.name).read()


@pytest.fixture
def respondent(db):
    """Leads no team and consults for no one (an invited respondent, as far as logos go)."""
    return make_user("respondent")


def org_logo_url(organization) -> str:
    return reverse("assessments:org-logo", args=[organization.slug])


@pytest.mark.parametrize("person", ["lead_a", "lead_b", "consultant", "admin_user"])
def test_people_who_see_the_organization_get_its_logo(request, client, acme_logo, acme, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(org_logo_url(acme))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == acme_logo


@pytest.mark.parametrize("person", ["outside_consultant", "respondent"])
def test_people_who_may_not_see_the_organization_get_404(request, client, acme_logo, acme, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(org_logo_url(acme)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, acme_logo, acme):
    response = client.get(org_logo_url(acme))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("assessments:firm-logo")).status_code == 302


def test_an_organization_without_a_logo_answers_404(client, consultant, acme, team_a):
    client.force_login(consultant)
    assert client.get(org_logo_url(acme)).status_code == 404


def test_an_unknown_organization_answers_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("assessments:org-logo", args=["nobody"])).status_code == 404


def test_a_logo_is_an_image_the_browser_must_not_sniff_and_no_shared_cache_keeps(
    client, consultant, acme_logo, acme
):
    client.force_login(consultant)
    response = client.get(org_logo_url(acme))
    assert response["X-Content-Type-Options"] == "nosniff"
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "private" in directives and "public" not in directives
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"] == "inline"


def test_a_jpeg_logo_is_served_as_a_jpeg(client, consultant, acme, team_a):
    acme.logo = logo(image_format="JPEG")
    acme.save()
    client.force_login(consultant)
    assert client.get(org_logo_url(acme))["Content-Type"] == "image/jpeg"


def test_a_file_that_is_not_an_image_is_never_served(client, consultant, acme, team_a):
    """However it got into the field, a non-image never goes out (let alone as HTML)."""
    acme.logo.name = default_storage.save("logos/x.png", io.BytesIO(b"<script>1</script>"))
    acme.save()
    client.force_login(consultant)
    assert client.get(org_logo_url(acme)).status_code == 404


def test_a_missing_file_answers_404(client, consultant, acme, team_a):
    acme.logo.name = "logos/deleted-since.png"
    acme.save()
    client.force_login(consultant)
    assert client.get(org_logo_url(acme)).status_code == 404


@pytest.mark.parametrize(
    "person", ["lead_a", "consultant", "outside_consultant", "respondent", "admin_user"]
)
def test_everyone_signed_in_gets_the_firm_logo(request, client, db, person):
    FirmProfile.objects.create(name="Northwind Advisory", logo=logo("teal"))
    client.force_login(request.getfixturevalue(person))
    response = client.get(reverse("assessments:firm-logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_firm_logo_answers_404(client, consultant):
    client.force_login(consultant)
    url = reverse("assessments:firm-logo")
    assert client.get(url).status_code == 404  # no firm profile yet
    FirmProfile.objects.create(name="Northwind Advisory")
    assert client.get(url).status_code == 404  # a profile without a logo


def test_a_logo_is_only_fetched_never_posted(client, consultant, acme_logo, acme):
    client.force_login(consultant)
    assert client.post(org_logo_url(acme)).status_code == 405
