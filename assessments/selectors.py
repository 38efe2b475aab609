"""Reads. Every view gets its data through here, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet

from assessments.models import (
    Assessment,
    Band,
    Dimension,
    MaturityModel,
    Organization,
    Question,
    Team,
)
from assessments.scoring import BandRule, DimensionSpec, ModelSpec


def latest_published_model() -> MaturityModel | None:
    return (
        MaturityModel.objects.published()
        .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )


def model_with_structure(model_id: int) -> MaturityModel:
    """A model version with its dimensions, questions, bands and scale in four queries."""
    return (
        MaturityModel.objects.prefetch_related(
            Prefetch(
                "dimensions",
                queryset=Dimension.objects.order_by("order").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("order"))
                ),
            ),
            Prefetch("bands", queryset=Band.objects.order_by("min_total")),
            "scale",
        )
    ).get(pk=model_id)


def model_spec(model: MaturityModel) -> ModelSpec:
    """The pure scoring view of a model version (prefetch with model_with_structure)."""
    return ModelSpec(
        dimensions=tuple(
            DimensionSpec(
                code=dim.code,
                name=dim.name,
                question_codes=tuple(q.code for q in dim.questions.all()),
            )
            for dim in model.dimensions.all()
        ),
        bands=tuple(
            BandRule(min_total=b.min_total, max_total=b.max_total, label=b.label, tone=b.tone)
            for b in model.bands.all()
        ),
    )


# --- Scoping: what a user may see. Anything outside these querysets is a 404. ---------------


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
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    return Organization.objects.filter(
        Q(pk__in=user.client_organizations.values("pk"))
        | Q(pk__in=user.led_teams.values("organization_id"))
    )


def organizations_consulted_by(user) -> QuerySet[Organization]:
    """Organizations whose data the user may export and import (consultants and admins)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    return user.client_organizations.all()


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(team__in=teams_visible_to(user).values("pk")).select_related(
        "team__organization", "model", "created_by", "submitted_by"
    )


def is_consultant(user) -> bool:
    return user.is_authenticated and user.client_organizations.exists()
