"""Client organizations and their teams; who leads and who consults them.

Tables keep their original `assessments_*` names: the models moved here from the assessments
app without their data moving (see migrations/0001_initial.py).
"""

from __future__ import annotations

import simple_history
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models
from simple_history.models import HistoricalRecords


class AssignmentHistory(HistoricalRecords):
    """History of a model with assignments (many-to-many to people), whichever side changes.

    An assignment changed from the person's side (user.led_teams.add(team)) is recorded on each
    team or organization it touched, as if changed from that side; the library alone would try
    to record it on the person.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, model=None, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action == "pre_clear":
            owners = model.objects.filter(**{attr: instance})
            instance._cleared_assignments = list(owners)
        elif action in ("post_add", "post_remove"):
            for owner in model.objects.filter(pk__in=pk_set or ()):
                self.create_historical_record(owner, "~")
        elif action == "post_clear":
            for owner in getattr(instance, "_cleared_assignments", ()):
                self.create_historical_record(owner, "~")


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    consultants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="client_organizations"
    )
    logo = models.FileField(upload_to="logos/", blank=True)  # the client's, on their packs
    benchmark_opt_out = models.BooleanField(
        default=False,
        help_text="Neither see peer benchmarks nor feed them with this organization's totals.",
    )
    history = AssignmentHistory(m2m_fields=[consultants])

    class Meta:
        db_table = "assessments_organization"
        ordering = ["name"]
        permissions = [
            (
                "view_all_organizations",
                "Can see every organization's teams and assessments (platform admin)",
            )
        ]
        # Dashboards list teams by organization name: walk this index instead of sorting all.
        indexes = [models.Index(fields=["name"], name="organization_name")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_teams")
    history = AssignmentHistory(m2m_fields=[leads])

    class Meta:
        db_table = "assessments_team"
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_team_slug"),
        ]
        indexes = [models.Index(fields=["organization", "name"], name="team_organization_name")]

    def __str__(self) -> str:
        return f"{self.organization.name} / {self.name}"


# Who may do what is part of the audit trail too: each person's staff and superuser flags,
# groups and permissions, and each group's permissions (never a password hash).
simple_history.register(
    User,
    app="organizations",
    m2m_fields=["groups", "user_permissions"],
    excluded_fields=["password", "last_login"],
)
simple_history.register(Group, app="organizations", m2m_fields=["permissions"])


class FirmProfile(models.Model):
    """The consulting firm's branding on client packs and report covers: one row."""

    name = models.CharField(max_length=200)
    logo = models.FileField(upload_to="logos/", blank=True)
    accent_colour = models.CharField(
        max_length=7, default="#0a4baf", help_text="A hex colour such as #0a4baf"
    )
    contact_line = models.CharField(
        max_length=300, blank=True, help_text="For example: Jane Doe · jane@firm.example"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "firm profile"

    def __str__(self) -> str:
        return self.name
