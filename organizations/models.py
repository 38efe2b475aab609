"""Client organizations and their teams; who leads and who consults them.

Tables keep their original `assessments_*` names: the models moved here from the assessments
app without their data moving (see migrations/0001_initial.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    consultants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="client_organizations"
    )

    class Meta:
        db_table = "assessments_organization"
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
        db_table = "assessments_team"
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_team_slug"),
        ]
        indexes = [models.Index(fields=["organization", "name"], name="team_organization_name")]

    def __str__(self) -> str:
        return f"{self.organization.name} / {self.name}"


class FailedSignIn(models.Model):
    """A failed sign-in, kept for the throttling window (in the database: servers are stateless)."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "assessments_failedsignin"
        indexes = [
            models.Index(fields=["username", "at"], name="failed_signin_username"),
            models.Index(fields=["address", "at"], name="failed_signin_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"
