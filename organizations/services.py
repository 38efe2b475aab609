"""Writes of the organizations app: organizations and teams created by imports."""

from __future__ import annotations

from django.utils.text import slugify

from organizations.models import Organization, Team


def _free_slug(queryset, name: str) -> str:
    base = slugify(name)[:70] or "item"
    slug, n = base, 2
    while queryset.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def organization_create(*, name: str) -> Organization:
    return Organization.objects.create(name=name, slug=_free_slug(Organization.objects, name))


def team_create(*, organization: Organization, name: str) -> Team:
    return Team.objects.create(
        organization=organization, name=name, slug=_free_slug(organization.teams, name)
    )
