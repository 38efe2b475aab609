"""Reads of the catalogue: which version is current, and a version's structure.

`model_spec` is the one adapter from a stored model version to the pure scoring rules
(`catalogue.scoring.ModelSpec`): every total and band shown anywhere is computed from it.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.db.models import F, Prefetch

from catalogue.models import (
    Band,
    BandTranslation,
    Dimension,
    DimensionTranslation,
    MaturityModel,
    Question,
    QuestionTranslation,
    ScaleLevelTranslation,
)
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


# The same per (model id, language) for the languages other than the source.
_translated: dict[tuple[int, str], tuple[UUID, MaturityModel]] = {}


def source_language() -> str:
    """The language the versions' own wording is written in (the fixture's: English)."""
    return settings.LANGUAGE_CODE.split("-")[0]


def model_structure(model: MaturityModel, language: str | None = None) -> MaturityModel:
    """The version's structure for reading, from memory while its structure_version is current.

    Pass the model row as just read with the page's other data (select_related), so a current
    copy costs no query. Writes that freeze wording use model_with_structure directly.
    With a `language` other than the source, names, wording, guidance and labels come from the
    version's translations where there are some (the source's elsewhere).
    """
    language = (language or "").split("-")[0]
    if not language or language == source_language():
        cached = _structures.get(model.pk)
        if cached and cached[0] == model.structure_version:
            return cached[1]
        structured = model_with_structure(model.pk)
        _structures[model.pk] = (structured.structure_version, structured)
        return structured
    cached = _translated.get((model.pk, language))
    if cached and cached[0] == model.structure_version:
        return cached[1]
    structured = model_with_structure(model.pk)
    translate_structure(structured, language)
    _translated[(model.pk, language)] = (structured.structure_version, structured)
    return structured


def translate_structure(structured: MaturityModel, language: str) -> None:
    """Put `language`'s wording over the source's in a structure from model_with_structure
    (four queries, one per kind of part)."""
    dimensions = list(structured.dimensions.all())
    questions = [q for d in dimensions for q in d.questions.all()]
    parts = (
        (dimensions, DimensionTranslation, "dimension", {"dimension__model": structured}),
        (questions, QuestionTranslation, "question", {"question__dimension__model": structured}),
        (list(structured.bands.all()), BandTranslation, "band", {"band__model": structured}),
        (
            list(structured.scale.all()),
            ScaleLevelTranslation,
            "scale_level",
            {"scale_level__model": structured},
        ),
    )
    for rows, translation_model, owner, lookup in parts:
        translated = {
            getattr(t, f"{owner}_id"): t
            for t in translation_model.objects.filter(language=language, **lookup)
        }
        for row in rows:
            found = translated.get(row.pk)
            for field in translation_model.FIELDS if found else ():
                if getattr(found, field):
                    setattr(row, field, getattr(found, field))


def forget_model_structures() -> None:
    _structures.clear()
    _translated.clear()


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
