"""The improvement loop's data: a team's targets, the theme chosen on an assessment and its
actions, and the outcome figures of a team's quarter. Imported by assessments.models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Team

TARGET_RANGE = (5, 25)


class DimensionTarget(models.Model):
    """Where a team wants a dimension to be; kept over quarters until changed. Keyed by the
    dimension's code (VO, CX, AO, MP), so it outlives model versions."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="targets")
    dimension_code = models.CharField(max_length=10)
    target_total = models.PositiveSmallIntegerField(null=True, blank=True)
    right_for_stage = models.BooleanField(default=False)
    stage_reason = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "dimension_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "dimension_code"], name="one_target_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(target_total__isnull=True)
                | Q(target_total__gte=TARGET_RANGE[0], target_total__lte=TARGET_RANGE[1]),
                name="target_5_to_25",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.dimension_code} target {self.target_total}"


class Action(models.Model):
    """One step of the plan under an assessment's theme (the quarter after it)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(max_length=150, blank=True)  # someone without an account
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    recommendation = models.ForeignKey(
        "catalogue.Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["assessment", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_name

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.DOING)


class OutcomeMetrics(models.Model):
    """A team's onboarding figures for a quarter, all optional."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="metrics")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    time_to_first_value_days = models.PositiveIntegerField(null=True, blank=True)
    time_to_value_days = models.PositiveIntegerField(null=True, blank=True)
    onboarding_duration_days = models.PositiveIntegerField(null=True, blank=True)
    csat = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    nps = models.SmallIntegerField(null=True, blank=True)
    milestones_on_time_pct = models.PositiveSmallIntegerField(null=True, blank=True)
    customers_onboarded = models.PositiveIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["team", "year", "quarter"]
        verbose_name_plural = "outcome metrics"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "quarter"], name="one_metrics_row_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="metrics_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5), name="csat_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=-100, nps__lte=100),
                name="nps_minus_100_to_100",
            ),
            models.CheckConstraint(
                condition=Q(milestones_on_time_pct__isnull=True)
                | Q(milestones_on_time_pct__lte=100),
                name="milestones_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.year} Q{self.quarter} metrics"


class ReminderSent(models.Model):
    """What send_reminders sent, so running it again sends nothing twice."""

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=120)
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="remind_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.recipient}"
