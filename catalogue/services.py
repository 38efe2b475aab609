"""Writes to the catalogue: duplicate and publish versions, and the structure freeze.

Once a version is frozen (published, retired, or submitted against) its structure may not
change: no part added or removed, and no structural field of a part changed. Admin hides what
it may not do; these services refuse it whoever calls them.
"""

from __future__ import annotations

import re

from django.db import models, transaction
from django.utils import timezone

from catalogue.models import (
    Band,
    Dimension,
    MaturityModel,
    Question,
    Recommendation,
    ScaleLevel,
)
from catalogue.scoring import ScoringError, check_bands
from catalogue.selectors import model_spec, model_with_structure

BASELINE_REASON = "installed from the fixture"

_NUMBERED_VERSION = re.compile(r"^v(\d+)$")


class ModelVersionError(ValueError):
    """A model version cannot be changed or published as asked; the message says why."""


class StructureFrozen(ModelVersionError):
    pass


def next_free_version(model: MaturityModel) -> str:
    """v0 -> v1 (or the next number nobody has taken yet); anything else gets "-draft"."""
    taken = set(MaturityModel.objects.filter(code=model.code).values_list("version", flat=True))
    match = _NUMBERED_VERSION.match(model.version)
    if match:
        number = int(match.group(1)) + 1
        while f"v{number}" in taken:
            number += 1
        return f"v{number}"
    candidate, n = f"{model.version}-draft", 2
    while candidate in taken:
        candidate, n = f"{model.version}-draft{n}", n + 1
    return candidate


@transaction.atomic
def model_version_duplicate(*, source: MaturityModel, version: str | None = None) -> MaturityModel:
    """Copy a version's dimensions, questions, bands, scale and recommendations into a new
    draft version."""
    copy = MaturityModel.objects.create(
        code=source.code,
        version=version or next_free_version(source),
        title=source.title,
        source_credit=source.source_credit,
        status=MaturityModel.Status.DRAFT,
    )
    for dim in source.dimensions.prefetch_related("questions"):
        new_dim = Dimension.objects.create(
            model=copy, code=dim.code, order=dim.order, name=dim.name, description=dim.description
        )
        Question.objects.bulk_create(
            Question(
                dimension=new_dim, code=q.code, order=q.order, text=q.text, guidance=q.guidance
            )
            for q in dim.questions.all()
        )
    Band.objects.bulk_create(
        Band(model=copy, min_total=b.min_total, max_total=b.max_total, label=b.label, tone=b.tone)
        for b in source.bands.all()
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(model=copy, value=s.value, label=s.label) for s in source.scale.all()
    )
    _copy_recommendations(source=source, copy=copy)
    return copy


def _copy_recommendations(*, source: MaturityModel, copy: MaturityModel) -> None:
    """Give the copy its own recommendations, pointing at the copy's dimensions, bands and
    questions (matched by their codes and band start), so editing one version's library never
    changes another's."""
    dimensions = {d.code: d for d in copy.dimensions.all()}
    bands = {b.min_total: b for b in copy.bands.all()}
    questions = {
        (q.dimension.code, q.code): q
        for q in Question.objects.filter(dimension__model=copy).select_related("dimension")
    }
    originals = source.recommendations.select_related("dimension", "band", "question")
    Recommendation.objects.bulk_create(
        Recommendation(
            model=copy,
            key=r.key,
            dimension=dimensions[r.dimension.code],
            band=bands[r.band.min_total],
            question=questions[(r.dimension.code, r.question.code)] if r.question else None,
            title=r.title,
            detail=r.detail,
            order=r.order,
        )
        for r in originals
    )


@transaction.atomic
def model_version_publish(*, model: MaturityModel) -> MaturityModel:
    """Publish a version once its structure can score every possible answer."""
    structured = model_with_structure(model.pk)
    spec = model_spec(structured)
    if not spec.dimensions or any(not dim.question_codes for dim in spec.dimensions):
        raise ModelVersionError(f"{model}: every dimension needs at least one question.")
    if sorted(level.value for level in structured.scale.all()) != [1, 2, 3, 4, 5]:
        raise ModelVersionError(f"{model}: the scale needs a label for each value 1 to 5.")
    try:
        check_bands(spec)
    except ScoringError as error:
        raise ModelVersionError(f"{model}: {error}") from error
    model.status = MaturityModel.Status.PUBLISHED
    model.published_at = timezone.now()
    model.save(update_fields=["status", "published_at"])
    return model


def model_version_record_baseline(*, model: MaturityModel) -> None:
    """Start the audit trail of a version loaded from a fixture (loaddata records no history),
    so the first edit in admin shows what the wording was before."""
    parts = [
        [model],
        list(model.dimensions.all()),
        list(Question.objects.filter(dimension__model=model)),
        list(model.bands.all()),
        list(model.scale.all()),
    ]
    for rows in parts:
        if rows:
            type(rows[0]).history.bulk_history_create(rows, default_change_reason=BASELINE_REASON)


def model_version_mark_in_use(*, model: MaturityModel) -> None:
    """Record the first submission against a version: from then on its structure is frozen."""
    MaturityModel.objects.filter(pk=model.pk, in_use_since__isnull=True).update(
        in_use_since=timezone.now()
    )


StructurePart = MaturityModel | Dimension | Question | Band | ScaleLevel


def _version_of(part: StructurePart) -> MaturityModel | None:
    if isinstance(part, MaturityModel):
        return part
    if isinstance(part, Question):
        return part.dimension.model if part.dimension_id else None
    return part.model if part.model_id else None


def _stored(part: StructurePart) -> StructurePart | None:
    if part.pk is None:
        return None
    return type(part).objects.filter(pk=part.pk).first()


def _changed_structure(part: StructurePart, stored: StructurePart) -> list[str]:
    changed = []
    for name in part.STRUCTURAL_FIELDS:
        field = part._meta.get_field(name)
        attname = field.attname if isinstance(field, models.ForeignKey) else name
        if getattr(part, attname) != getattr(stored, attname):
            changed.append(name)
    return changed


@transaction.atomic
def structure_part_save(*, part: StructurePart) -> StructurePart:
    """Save a version or a part of one, unless that changes the structure of a frozen version."""
    stored = _stored(part)
    if stored is None:
        if not isinstance(part, MaturityModel):
            _refuse_if_frozen(_version_of(part), f"add a {part._meta.verbose_name} to")
    else:
        changed = _changed_structure(part, stored)
        if changed:
            for version in {_version_of(stored), _version_of(part)} - {None}:
                _refuse_if_frozen(version, f"change the {', '.join(changed)} of a part of")
    if isinstance(part, MaturityModel) and stored is not None:
        # Never write back the lifecycle fields as this (possibly older) copy holds them: a
        # submission may have marked the version in use since it was read.
        part.save(update_fields=_EDITABLE_VERSION_FIELDS)
    else:
        part.save()
    return part


_EDITABLE_VERSION_FIELDS = ("code", "version", "title", "source_credit")


@transaction.atomic
def structure_part_delete(*, part: StructurePart) -> None:
    stored = _stored(part)
    if stored is None:
        return
    _refuse_if_frozen(_version_of(stored), f"remove a {part._meta.verbose_name} from")
    stored.delete()


def _refuse_if_frozen(version: MaturityModel | None, doing: str) -> None:
    if version is None:
        return
    # Locked until the change commits, so a submission cannot freeze it in between unseen.
    current = MaturityModel.objects.select_for_update().get(pk=version.pk)
    if current.is_structure_frozen:
        raise StructureFrozen(
            f"{current} is frozen (published or in use): you cannot {doing} it. "
            "Duplicate it as a new draft version, change that, then publish it."
        )
