"""Mark a model version as changed whenever it or anything in its structure is saved or deleted.

Pages keep a version's structure in memory (selectors.model_structure), keyed by this mark.
"""

from __future__ import annotations

import uuid

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assessments.models import Band, Dimension, MaturityModel, Question, ScaleLevel


def _mark_changed(models_filter: dict) -> None:
    MaturityModel.objects.filter(**models_filter).update(structure_version=uuid.uuid4())


@receiver([post_save, post_delete], sender=MaturityModel)
def model_version_changed(sender, instance: MaturityModel, **kwargs) -> None:
    _mark_changed({"pk": instance.pk})


@receiver([post_save, post_delete], sender=Dimension)
@receiver([post_save, post_delete], sender=Band)
@receiver([post_save, post_delete], sender=ScaleLevel)
def model_part_changed(sender, instance, **kwargs) -> None:
    _mark_changed({"pk": instance.model_id})


@receiver([post_save, post_delete], sender=Question)
def question_changed(sender, instance: Question, **kwargs) -> None:
    _mark_changed({"dimensions": instance.dimension_id})
