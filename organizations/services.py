"""Writes of the organizations app: failed sign-in records, and teams created by imports."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from organizations.models import FailedSignIn, Organization, Team


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.SIGN_IN_WINDOW_SECONDS)


def sign_in_blocked(*, username: str, address: str | None) -> bool:
    recent = FailedSignIn.objects.filter(at__gte=_window_start())
    by_name = recent.filter(username=username.casefold()).count()
    by_address = recent.filter(address=address).count() if address else 0
    return (
        by_name >= settings.SIGN_IN_MAX_FAILURES_PER_USERNAME
        or by_address >= settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS
    )


@transaction.atomic
def sign_in_failure_record(*, username: str, address: str | None) -> None:
    FailedSignIn.objects.filter(at__lt=_window_start()).delete()
    FailedSignIn.objects.create(username=username.casefold(), address=address)


def sign_in_failures_clear(*, username: str) -> None:
    FailedSignIn.objects.filter(username=username.casefold()).delete()


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
