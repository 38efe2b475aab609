"""Mark a model version as changed whenever it or anything in its structure is saved or deleted.

Pages keep a version's structure in memory (catalogue.selectors.model_structure), keyed by
this mark. Writes that send no signals (QuerySet.update, bulk_update, raw SQL, data
migrations) must call mark_structure_changed themselves, or workers keep showing the old
wording.
"""

from __future__ import annotations

import uuid

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalogue.models import (
    Band,
    BandTranslation,
    Dimension,
    DimensionTranslation,
    MaturityModel,
    Question,
    QuestionTranslation,
    ScaleLevel,
    ScaleLevelTranslation,
)


def mark_structure_changed(**lookup) -> None:
    """Give the model versions matching `lookup` a new structure_version."""
    MaturityModel.objects.filter(**lookup).update(structure_version=uuid.uuid4())


@receiver([post_save, post_delete], sender=MaturityModel)
def model_version_changed(sender, instance: MaturityModel, **kwargs) -> None:
    mark_structure_changed(pk=instance.pk)


@receiver([post_save, post_delete], sender=Dimension)
@receiver([post_save, post_delete], sender=Band)
@receiver([post_save, post_delete], sender=ScaleLevel)
def model_part_changed(sender, instance, **kwargs) -> None:
    mark_structure_changed(pk=instance.model_id)


@receiver([post_save, post_delete], sender=Question)
def question_changed(sender, instance: Question, **kwargs) -> None:
    mark_structure_changed(dimensions=instance.dimension_id)


@receiver([post_save, post_delete], sender=DimensionTranslation)
def dimension_translation_changed(sender, instance, **kwargs) -> None:
    mark_structure_changed(dimensions=instance.dimension_id)


@receiver([post_save, post_delete], sender=QuestionTranslation)
def question_translation_changed(sender, instance, **kwargs) -> None:
    mark_structure_changed(dimensions__questions=instance.question_id)


@receiver([post_save, post_delete], sender=BandTranslation)
def band_translation_changed(sender, instance, **kwargs) -> None:
    mark_structure_changed(bands=instance.band_id)


@receiver([post_save, post_delete], sender=ScaleLevelTranslation)
def scale_translation_changed(sender, instance, **kwargs) -> None:
    mark_structure_changed(scale=instance.scale_level_id)
