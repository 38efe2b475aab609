"""The maturity model as versioned data: each version's dimensions, questions, bands and scale.

Tables keep their original `assessments_*` names: the models moved here from the assessments
app without their data moving (see migrations/0001_initial.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class MaturityModelQuerySet(models.QuerySet):
    def published(self) -> MaturityModelQuerySet:
        return self.filter(status=MaturityModel.Status.PUBLISHED)

    def frozen(self) -> MaturityModelQuerySet:
        """Versions whose structure may no longer change (see MaturityModel.is_structure_frozen)."""
        return self.filter(_FROZEN)

    def open_for_structure_changes(self) -> MaturityModelQuerySet:
        return self.exclude(_FROZEN)


class MaturityModelManager(models.Manager.from_queryset(MaturityModelQuerySet)):
    def get_by_natural_key(self, code: str, version: str) -> MaturityModel:
        return self.get(code=code, version=version)


class MaturityModel(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    code = models.SlugField(max_length=50)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    source_credit = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A new value on every change to the version or anything in it (see signals.py), so each
    # worker can keep the structure in memory and know when its copy is out of date.
    structure_version = models.UUIDField(default=uuid.uuid4, editable=False)
    # Set when the first assessment against this version is submitted
    # (services.model_version_mark_in_use),
    # so the freeze rule needs no look into the assessments that depend on this app.
    in_use_since = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MaturityModelManager()
    history = HistoricalRecords(excluded_fields=["structure_version"])

    class Meta:
        db_table = "assessments_maturitymodel"
        ordering = ["code", "-published_at", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_model_version"),
        ]
        verbose_name = "maturity model version"

    # Fixed once frozen: past reports print them.
    STRUCTURAL_FIELDS = ("code", "version", "title", "source_credit")

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    def natural_key(self) -> tuple[str, str]:
        return (self.code, self.version)

    @property
    def is_structure_frozen(self) -> bool:
        """Published (or retired) versions are in use, and so is any version submitted against.

        Only a draft version that nobody has submitted against may change shape.
        """
        return self.status != self.Status.DRAFT or self.in_use_since is not None


_FROZEN = ~Q(status=MaturityModel.Status.DRAFT) | Q(in_use_since__isnull=False)


class DimensionManager(models.Manager):
    def get_by_natural_key(self, model_code: str, version: str, code: str) -> Dimension:
        return self.get(model__code=model_code, model__version=version, code=code)


class Dimension(models.Model):
    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(max_length=10)
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    objects = DimensionManager()
    history = HistoricalRecords()

    STRUCTURAL_FIELDS = ("model", "code", "order", "name")  # past reports show the name

    class Meta:
        db_table = "assessments_dimension"
        ordering = ["model", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="unique_dimension_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.model.natural_key(), self.code)

    natural_key.dependencies = ["catalogue.maturitymodel"]

    @property
    def version(self) -> MaturityModel:
        return self.model


class QuestionManager(models.Manager):
    def get_by_natural_key(self, model_code: str, version: str, dimension_code: str, code: str):
        return self.get(
            dimension__model__code=model_code,
            dimension__model__version=version,
            dimension__code=dimension_code,
            code=code,
        )


class Question(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=10)
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    guidance = models.TextField(blank=True)

    objects = QuestionManager()
    history = HistoricalRecords()

    # Wording and guidance stay editable: answers keep the text as it was asked.
    STRUCTURAL_FIELDS = ("dimension", "code", "order")

    class Meta:
        db_table = "assessments_question"
        ordering = ["dimension__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="unique_question_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    def natural_key(self) -> tuple[str, str, str, str]:
        return (*self.dimension.natural_key(), self.code)

    natural_key.dependencies = ["catalogue.dimension"]

    @property
    def version(self) -> MaturityModel:
        return self.dimension.model


class BandManager(models.Manager):
    def get_by_natural_key(self, model_code: str, version: str, min_total: int) -> Band:
        return self.get(model__code=model_code, model__version=version, min_total=min_total)


class Band(models.Model):
    class Tone(models.TextChoices):
        CRITICAL = "critical", "Critical"
        CAUTION = "caution", "Caution"
        GOOD = "good", "Good"

    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="bands")
    min_total = models.PositiveSmallIntegerField()
    max_total = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)
    tone = models.CharField(max_length=10, choices=Tone.choices)

    objects = BandManager()
    history = HistoricalRecords()

    STRUCTURAL_FIELDS = ("model", "min_total", "max_total", "label", "tone")

    class Meta:
        db_table = "assessments_band"
        ordering = ["model", "min_total"]
        constraints = [
            models.UniqueConstraint(fields=["model", "min_total"], name="unique_band_start"),
            models.CheckConstraint(
                condition=Q(min_total__lte=models.F("max_total")), name="band_range_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_total}-{self.max_total}: {self.label}"

    def natural_key(self) -> tuple[str, str, int]:
        return (*self.model.natural_key(), self.min_total)

    natural_key.dependencies = ["catalogue.maturitymodel"]

    @property
    def version(self) -> MaturityModel:
        return self.model


class ScaleLevelManager(models.Manager):
    def get_by_natural_key(self, model_code: str, version: str, value: int) -> ScaleLevel:
        return self.get(model__code=model_code, model__version=version, value=value)


class ScaleLevel(models.Model):
    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="scale")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)

    objects = ScaleLevelManager()
    history = HistoricalRecords()

    STRUCTURAL_FIELDS = ("model", "value")  # the legend's labels stay editable

    class Meta:
        db_table = "assessments_scalelevel"
        ordering = ["model", "value"]
        constraints = [
            models.UniqueConstraint(fields=["model", "value"], name="unique_scale_value"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="scale_value_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"

    def natural_key(self) -> tuple[str, str, int]:
        return (*self.model.natural_key(), self.value)

    natural_key.dependencies = ["catalogue.maturitymodel"]

    @property
    def version(self) -> MaturityModel:
        return self.model


class RecommendationManager(models.Manager):
    def get_by_natural_key(self, model_code: str, version: str, key: str) -> Recommendation:
        return self.get(model__code=model_code, model__version=version, key=key)


class Recommendation(models.Model):
    """A starting action for a dimension whose total falls in a band (optionally for one of its
    questions), offered to a lead planning the quarter's theme. Ours, editable in admin, and
    versioned with the model: a new version starts from a copy."""

    model = models.ForeignKey(
        MaturityModel, on_delete=models.CASCADE, related_name="recommendations"
    )
    key = models.SlugField(max_length=80)
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="recommendations"
    )
    band = models.ForeignKey(Band, on_delete=models.CASCADE, related_name="recommendations")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = RecommendationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "dimension__order", "band__min_total", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="unique_recommendation_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.model.natural_key(), self.key)

    natural_key.dependencies = [
        "catalogue.maturitymodel",
        "catalogue.dimension",
        "catalogue.band",
        "catalogue.question",
    ]


# --- Translations of a version's wording ---------------------------------------------------------
# The fixture ships the source text (English, settings.LANGUAGE_CODE). Other languages are
# per-version content that admins add here; where a translation is missing the source shows.


def translation_languages() -> list[tuple[str, str]]:
    """The languages the app speaks, but its source language."""
    source = settings.LANGUAGE_CODE.split("-")[0]
    return [(code, name) for code, name in settings.LANGUAGES if code != source]


class _Translation(models.Model):
    language = models.CharField(max_length=10, choices=translation_languages)

    # The fields copied over the source's when the language is shown.
    FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True


class DimensionTranslation(_Translation):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    FIELDS = ("name", "description")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "language"], name="unique_dimension_translation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code} ({self.language}): {self.name}"


class QuestionTranslation(_Translation):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="translations")
    text = models.TextField()
    guidance = models.TextField(blank=True)

    FIELDS = ("text", "guidance")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "language"], name="unique_question_translation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.code} ({self.language})"


class BandTranslation(_Translation):
    band = models.ForeignKey(Band, on_delete=models.CASCADE, related_name="translations")
    label = models.CharField(max_length=100)

    FIELDS = ("label",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["band", "language"], name="unique_band_translation")
        ]

    def __str__(self) -> str:
        return f"{self.band} ({self.language}): {self.label}"


class ScaleLevelTranslation(_Translation):
    scale_level = models.ForeignKey(
        ScaleLevel, on_delete=models.CASCADE, related_name="translations"
    )
    label = models.CharField(max_length=60)

    FIELDS = ("label",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scale_level", "language"], name="unique_scale_level_translation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scale_level.value} ({self.language}): {self.label}"
