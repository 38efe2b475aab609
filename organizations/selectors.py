"""Who may see what. Anything outside these querysets answers 404 in the views."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from organizations.models import Organization, Team


def teams_visible_to(user) -> QuerySet[Team]:
    """Admins see every team; team leads the teams they lead; consultants their clients' teams."""
    if not user.is_authenticated:
        return Team.objects.none()
    teams = Team.objects.select_related("organization")
    if user.is_staff:
        return teams
    return teams.filter(
        Q(pk__in=user.led_teams.values("pk"))
        | Q(organization_id__in=user.client_organizations.values("pk"))
    )


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Organizations in which the user may see at least one team."""
    return Organization.objects.filter(pk__in=teams_visible_to(user).values("organization_id"))


def organizations_consulted_by(user) -> QuerySet[Organization]:
    """Organizations whose answers the user may import: consultants' clients; all for admins."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    return user.client_organizations.all()


def is_consultant(user) -> bool:
    return user.is_authenticated and user.client_organizations.exists()
