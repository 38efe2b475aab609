"""Reads. Every view gets its data through here, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import F, Prefetch

from assessments.models import Band, Dimension, MaturityModel, Question
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
