"""The consultant workspace's stored things: client packs rendered in the background, and the
peer benchmarks computed from every organization's latest totals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class ClientPack(models.Model):
    """One request for an organization's quarter as a branded PDF, rendered by a task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="client_packs"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    teams_done = models.PositiveIntegerField(default=0)
    teams_total = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)  # the django-tasks result's id
    file = models.FileField(upload_to="client-packs/", blank=True)
    error = models.TextField(blank=True)  # why it failed, in words for the person who asked
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # the file is deleted after this

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="client_pack_quarter_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} Q{self.quarter} pack"


class PeerBenchmark(models.Model):
    """Per cohort and dimension: the quartiles of the latest submitted totals of the cohort's
    organizations. Refreshed by a task; read by reports. Never names an organization."""

    cohort = models.CharField(max_length=120)  # "stage=growth|segment=smb|touch=low" or "all"
    model = models.ForeignKey("catalogue.MaturityModel", on_delete=models.CASCADE, related_name="+")
    dimension_code = models.CharField(max_length=10)
    organizations = models.PositiveIntegerField()  # how many organizations fed it
    lower_quartile = models.DecimalField(max_digits=5, decimal_places=2)
    median = models.DecimalField(max_digits=5, decimal_places=2)
    upper_quartile = models.DecimalField(max_digits=5, decimal_places=2)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "model", "dimension_code"], name="one_benchmark_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort} {self.dimension_code}"
