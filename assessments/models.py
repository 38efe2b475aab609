"""Assessments: a team's quarter scored against one version of the maturity model."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments import periods
from catalogue.models import Dimension, MaturityModel, Question
from organizations.models import Team


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class TouchModel(models.TextChoices):
        HIGH = "high", _("High touch")
        MEDIUM = "medium", _("Medium touch")
        LOW = "low", _("Low touch")

    class CompanyStage(models.TextChoices):
        EARLY = "early", _("Early stage (finding product-market fit)")
        GROWTH = "growth", _("Growth")
        SCALE = "scale", _("Scale-up")
        MATURE = "mature", _("Mature / enterprise")

    class CustomerSegment(models.TextChoices):
        SMB = "smb", _("SMB")
        MID_MARKET = "mid-market", _("Mid-market")
        ENTERPRISE = "enterprise", _("Enterprise")
        MIXED = "mixed", _("Mixed")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    model = models.ForeignKey(MaturityModel, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    company_stage = models.CharField(max_length=20, choices=CompanyStage.choices, blank=True)
    customer_segment = models.CharField(max_length=20, choices=CustomerSegment.choices, blank=True)
    touch_model = models.CharField(max_length=10, choices=TouchModel.choices, blank=True)
    onboarding_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    # Chosen by the lead when inviting: respondents' scores are shown without their names.
    anonymous_responses = models.BooleanField(default=False)
    # The language its questions were asked in (who started it was using it): the wizard, the
    # frozen wording and the report show the model's wording in it (catalogue translations).
    language = models.CharField(max_length=10, default="en", editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    # Next quarter's theme, chosen by the lead after submitting (the improvement loop).
    theme_dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    theme_questions = models.ManyToManyField(Question, blank=True, related_name="+")
    theme_reason = models.CharField(max_length=300, blank=True)
    theme_chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    theme_chosen_at = models.DateTimeField(null=True, blank=True)

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
    # Prefilled from an earlier quarter ("2026 Q3") and not yet confirmed; cleared once touched.
    carried_from = models.CharField(max_length=10, blank=True)
    # With several respondents: an agreed score the lead set instead of the median while the
    # assessment is a draft (applied to `score` on submit), and why, kept after submission.
    agreed_score = models.PositiveSmallIntegerField(null=True, blank=True)
    agreed_reason = models.CharField(max_length=300, blank=True)

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
            models.CheckConstraint(
                condition=Q(agreed_score__isnull=True)
                | Q(agreed_score__gte=1, agreed_score__lte=5),
                name="agreed_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} = {self.score}"

    @property
    def asked_text(self) -> str:
        return self.question_text or self.question.text


def _public_id() -> str:
    return secrets.token_hex(6)


class Respondent(models.Model):
    """One person's response to an assessment: their own answers, apart from the agreed ones.

    Invited people answer here. The lead's own answers are the assessment's working answers
    while it is a draft; on submit they are kept here too (kind LEAD), as is the file's for an
    import (kind IMPORTED), so every submitted assessment has at least one response.
    """

    class Kind(models.TextChoices):
        LEAD = "lead", _("Lead")
        INVITED = "invited", _("Invited")
        IMPORTED = "imported", _("Imported")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="respondents")
    # Empty until an e-mail invitation is accepted, and for imports.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INVITED)
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Stands for the person in exports of an anonymous assessment; never changes.
    public_id = models.CharField(max_length=12, unique=True, default=_public_id, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # A one-time sign-up link for someone without an account: only its digest is stored.
    invitation_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    invitation_expires_at = models.DateTimeField(null=True, blank=True)
    invitation_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=Q(user__isnull=False),
                name="one_response_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False),
                name="submitted_response_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} on {self.assessment}"

    @property
    def display_name(self) -> str:
        """The name given when invited (the account's, or the one the lead typed)."""
        if self.kind == self.Kind.IMPORTED:
            return "Imported"
        if self.name:
            return self.name
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.email

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_pending(self) -> bool:
        """Invited by e-mail and has not signed up yet."""
        return self.user_id is None and self.kind == self.Kind.INVITED


class RespondentAnswer(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["question__dimension__order", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="one_response_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="response_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} = {self.score}"

    @property
    def question_text(self) -> str:
        return ""  # a response shows the wording of its assessment


# The improvement loop's models live in their own module; importing them here registers them.
from assessments.plan_models import (  # noqa: E402
    Action,
    DimensionTarget,
    OutcomeMetrics,
    ReminderSent,
)
from assessments.workspace_models import ClientPack, PeerBenchmark  # noqa: E402

__all__ = [
    "ClientPack",
    "PeerBenchmark",
    "Action",
    "Answer",
    "Assessment",
    "DimensionTarget",
    "OutcomeMetrics",
    "ReminderSent",
    "Respondent",
    "RespondentAnswer",
]
