"""Reads the API adds to the app's own selectors: always starting from a scoped queryset."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments import selectors
from assessments.models import Action, Assessment
from catalogue.models import MaturityModel
from catalogue.selectors import latest_published_model, model_with_structure
from organizations.models import Organization, Team
from organizations.selectors import organizations_visible_to, teams_visible_to


def model_versions() -> QuerySet[MaturityModel]:
    """Versions anyone may read: published and retired ones (drafts are the admins' work)."""
    return MaturityModel.objects.exclude(status=MaturityModel.Status.DRAFT)


def model_version(pk: int) -> MaturityModel | None:
    if not model_versions().filter(pk=pk).exists():
        return None
    return model_with_structure(pk)


def organizations(user) -> QuerySet[Organization]:
    return organizations_visible_to(user)


def teams(user, *, organization: str | None = None) -> QuerySet[Team]:
    visible = teams_visible_to(user)
    if organization is not None:
        visible = visible.filter(organization__slug=organization)
    return visible


def assessments(user, filters: dict) -> QuerySet[Assessment]:
    """assessments_visible_to(user), narrowed by the list's filters."""
    found = selectors.assessments_visible_to(user)
    if "organization" in filters:
        found = found.filter(team__organization__slug=filters["organization"])
    if "team" in filters:
        found = found.filter(team_id=filters["team"])
    for field in ("year", "quarter", "status"):
        if field in filters:
            found = found.filter(**{field: filters[field]})
    return found


def actions_of(assessment: Assessment) -> QuerySet[Action]:
    return Action.objects.filter(assessment=assessment).select_related("owner").order_by("pk")


def team_model(team: Team) -> MaturityModel | None:
    """The version the team's targets are set against: its latest assessment's, else the
    latest published one (as the team page does)."""
    latest = (
        Assessment.objects.filter(team=team)
        .select_related("model")
        .order_by("-year", "-quarter")
        .first()
    )
    return latest.model if latest else latest_published_model()
