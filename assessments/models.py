"""The maturity model as versioned data, and the assessments scored against it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments import periods


class MaturityModelQuerySet(models.QuerySet):
    def published(self) -> MaturityModelQuerySet:
        return self.filter(status=MaturityModel.Status.PUBLISHED)


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

    objects = MaturityModelManager()

    class Meta:
        ordering = ["code", "-published_at", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_model_version"),
        ]
        verbose_name = "maturity model version"

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    def natural_key(self) -> tuple[str, str]:
        return (self.code, self.version)

    @property
    def is_structure_frozen(self) -> bool:
        """Published versions are in use and submitted assessments depend on their structure.

        Only a draft version that nobody has submitted against may change shape.
        """
        if self.status != self.Status.DRAFT:
            return True
        return Assessment.objects.filter(model=self, status=Assessment.Status.SUBMITTED).exists()


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

    class Meta:
        ordering = ["model", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="unique_dimension_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.model.natural_key(), self.code)

    natural_key.dependencies = ["assessments.maturitymodel"]


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

    class Meta:
        ordering = ["dimension__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="unique_question_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    def natural_key(self) -> tuple[str, str, str, str]:
        return (*self.dimension.natural_key(), self.code)

    natural_key.dependencies = ["assessments.dimension"]


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

    class Meta:
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

    natural_key.dependencies = ["assessments.maturitymodel"]


class ScaleLevelManager(models.Manager):
    def get_by_natural_key(self, model_code: str, version: str, value: int) -> ScaleLevel:
        return self.get(model__code=model_code, model__version=version, value=value)


class ScaleLevel(models.Model):
    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="scale")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)

    objects = ScaleLevelManager()

    class Meta:
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

    natural_key.dependencies = ["assessments.maturitymodel"]


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    consultants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="client_organizations"
    )

    class Meta:
        ordering = ["name"]
        # Dashboards list teams by organization name: walk this index instead of sorting all.
        indexes = [models.Index(fields=["name"], name="organization_name")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_teams")

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_team_slug"),
        ]
        indexes = [models.Index(fields=["organization", "name"], name="team_organization_name")]

    def __str__(self) -> str:
        return f"{self.organization.name} / {self.name}"


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class TouchModel(models.TextChoices):
        HIGH = "high", "High touch"
        MEDIUM = "medium", "Medium touch"
        LOW = "low", "Low touch"

    class CompanyStage(models.TextChoices):
        EARLY = "early", "Early stage (finding product-market fit)"
        GROWTH = "growth", "Growth"
        SCALE = "scale", "Scale-up"
        MATURE = "mature", "Mature / enterprise"

    class CustomerSegment(models.TextChoices):
        SMB = "smb", "SMB"
        MID_MARKET = "mid-market", "Mid-market"
        ENTERPRISE = "enterprise", "Enterprise"
        MIXED = "mixed", "Mixed"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    model = models.ForeignKey(MaturityModel, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    company_stage = models.CharField(max_length=20, choices=CompanyStage.choices, blank=True)
    customer_segment = models.CharField(max_length=20, choices=CustomerSegment.choices, blank=True)
    touch_model = models.CharField(max_length=10, choices=TouchModel.choices, blank=True)
    onboarding_weeks = models.PositiveSmallIntegerField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "quarter", "model"], name="one_assessment_per_period"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submitted_has_timestamp",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "-year", "-quarter"], name="assessment_team_period")
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.period.label}"

    @property
    def period(self) -> periods.Quarter:
        return periods.Quarter(self.year, self.quarter)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def outside_model_scope(self) -> bool:
        """The source model is meant for medium to high touch onboarding of three weeks or more."""
        short = self.onboarding_weeks is not None and self.onboarding_weeks < 3
        return self.touch_model == self.TouchModel.LOW or short


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Null while a draft holds a note without a score; submission requires every score.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The wording as it was asked, frozen at submission so later edits never rewrite history.
    question_text = models.TextField(blank=True)

    class Meta:
        ordering = ["question__dimension__order", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} = {self.score}"

    @property
    def asked_text(self) -> str:
        return self.question_text or self.question.text


class FailedSignIn(models.Model):
    """A failed sign-in, kept for the throttling window (in the database: servers are stateless)."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="failed_signin_username"),
            models.Index(fields=["address", "at"], name="failed_signin_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"
