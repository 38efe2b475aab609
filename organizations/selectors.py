"""Who may see what. Anything outside these querysets answers 404 in the views."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from organizations.models import Organization, Team

SEE_ALL_ORGANIZATIONS = "organizations.view_all_organizations"


def sees_all_organizations(user) -> bool:
    """Platform admins: superusers, and staff granted the "see all organizations" permission.

    The staff flag alone opens Django admin (as far as its permissions go), never client data.
    """
    if not user.is_authenticated or not user.is_staff:
        return False  # no permission lookup (two queries) for leads and consultants
    return user.is_superuser or user.has_perm(SEE_ALL_ORGANIZATIONS)


def teams_visible_to(user) -> QuerySet[Team]:
    """Platform admins see every team; team leads the teams they lead; consultants their
    clients' teams. Anyone else, staff included, sees none."""
    if not user.is_authenticated:
        return Team.objects.none()
    teams = Team.objects.select_related("organization")
    if sees_all_organizations(user):
        return teams
    return teams.filter(
        Q(pk__in=user.led_teams.values("pk"))
        | Q(organization_id__in=user.client_organizations.values("pk"))
    )


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Organizations in which the user may see at least one team."""
    return Organization.objects.filter(pk__in=teams_visible_to(user).values("organization_id"))


def organizations_consulted_by(user) -> QuerySet[Organization]:
    """Organizations whose answers the user may import: consultants' clients; all for platform
    admins."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if sees_all_organizations(user):
        return Organization.objects.all()
    return user.client_organizations.all()


def is_consultant(user) -> bool:
    return user.is_authenticated and user.client_organizations.exists()


def managers_of(team: Team) -> QuerySet:
    """The people whose own answers are the team's working answers: its leads and its
    organization's consultants."""
    return get_user_model().objects.filter(
        Q(led_teams=team) | Q(client_organizations=team.organization_id)
    )
