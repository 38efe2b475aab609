"""Reads of the catalogue: which version is current, and a version's structure.

`model_spec` is the one adapter from a stored model version to the pure scoring rules
(`catalogue.scoring.ModelSpec`): every total and band shown anywhere is computed from it.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import F, Prefetch

from catalogue.models import Band, Dimension, MaturityModel, Question
from catalogue.scoring import BandRule, DimensionSpec, ModelSpec


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


# model id -> (structure_version, the version with its structure prefetched). Per process, one
# entry per version; signals.py gives a version a new structure_version whenever it changes.
_structures: dict[int, tuple[UUID, MaturityModel]] = {}


def model_structure(model: MaturityModel) -> MaturityModel:
    """The version's structure for reading, from memory while its structure_version is current.

    Pass the model row as just read with the page's other data (select_related), so a current
    copy costs no query. Writes that freeze wording use model_with_structure directly.
    """
    cached = _structures.get(model.pk)
    if cached and cached[0] == model.structure_version:
        return cached[1]
    structured = model_with_structure(model.pk)
    _structures[model.pk] = (structured.structure_version, structured)
    return structured


def forget_model_structures() -> None:
    _structures.clear()


def band_rules(model: MaturityModel) -> tuple[BandRule, ...]:
    """The version's bands as scoring rules (prefetch with model_with_structure)."""
    return tuple(
        BandRule(min_total=b.min_total, max_total=b.max_total, label=b.label, tone=b.tone)
        for b in model.bands.all()
    )


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
        bands=band_rules(model),
    )


def question_codes_by_id(model: MaturityModel) -> dict[int, str]:
    """Question id -> code for a structured version: to key stored answers for scoring."""
    return {q.pk: q.code for dim in model.dimensions.all() for q in dim.questions.all()}
