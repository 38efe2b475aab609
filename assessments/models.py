"""Assessments: a team's quarter scored against one version of the maturity model."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from assessments import periods
from catalogue.models import MaturityModel, Question
from organizations.models import Team


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

    history = HistoricalRecords(excluded_fields=["updated_at"])

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

    history = HistoricalRecords()

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
