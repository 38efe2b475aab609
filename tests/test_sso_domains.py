"""Organizations' single sign-on domains: parsed, validated, one organization's each."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from organizations.admin import OrganizationForm
from organizations.domains import (
    domain_normalise,
    email_domain,
    sso_domains_parse,
    validate_sso_domains,
)
from organizations.models import Organization
from organizations.sso import email_verified, organization_for_email


def test_domains_are_read_as_admins_type_them():
    text = " Acme.example, @eu.acme.example\nacme.example;Bücher.Example. "
    assert sso_domains_parse(text) == ["acme.example", "eu.acme.example", "xn--bcher-kva.example"]


def test_an_email_domain_is_compared_in_the_same_form():
    assert email_domain("Jo@Bücher.EXAMPLE") == domain_normalise("xn--bcher-kva.example")
    assert email_domain("no-at-sign") == ""


@pytest.mark.parametrize(
    "text", ["localhost", "10.0.0.1", "*.acme.example", "https://acme.example", "-acme.example"]
)
def test_what_is_not_a_domain_name_is_refused(text):
    with pytest.raises(ValidationError) as refusal:
        validate_sso_domains(f"acme.example, {text}")
    assert refusal.value.code == "invalid_domain"


def test_only_true_or_the_string_true_counts_as_verified():
    assert email_verified({"email_verified": True})
    assert email_verified({"email_verified": "true"})
    for value in (False, "false", "True ", 1, "yes", None):
        assert not email_verified({"email_verified": value})
    assert not email_verified({})


def organization_form(**changes) -> OrganizationForm:
    data = {"name": "Initech", "slug": "initech", "local_passwords_allowed": "on", **changes}
    return OrganizationForm(data=data)


@pytest.mark.django_db
def test_admin_saves_the_domains_normalised(acme):
    form = organization_form(sso_domains="Initech.example,\n@IT.initech.example")
    assert form.is_valid(), form.errors
    organization = form.save()
    assert organization.sso_domains == "initech.example\nit.initech.example"
    assert organization.local_passwords_allowed is True


@pytest.mark.django_db
def test_a_domain_belongs_to_one_organization_only(acme):
    acme.sso_domains = "acme.example"
    acme.save()

    form = organization_form(sso_domains="initech.example, ACME.example")

    assert not form.is_valid()
    assert "Already a single sign-on domain of another organization: acme.example." in str(
        form.errors["sso_domains"]
    )
    # A longer domain holding the same text is another domain.
    assert organization_form(sso_domains="notacme.example").is_valid()


@pytest.mark.django_db
def test_the_organization_of_an_email_is_found_by_exact_domain(acme, globex):
    acme.sso_domains = "acme.example"
    acme.save()
    globex.sso_domains = "notacme.example"
    globex.save()
    assert organization_for_email("a@ACME.example") == acme
    assert organization_for_email("a@notacme.example") == globex
    assert organization_for_email("a@sub.acme.example") is None
    # Claimed twice (bypassing admin's check): nobody is guessed.
    Organization.objects.filter(pk=globex.pk).update(sso_domains="acme.example")
    assert organization_for_email("a@acme.example") is None
