"""Client organizations and their teams; who leads and who consults them.

Tables keep their original `assessments_*` names: the models moved here from the assessments
app without their data moving (see migrations/0001_initial.py).
"""

from __future__ import annotations

import simple_history
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organizations.domains import sso_domains_parse, validate_sso_domains


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
    # Single sign-on (organizations/sso.py, README "Single sign-on").
    sso_domains = models.TextField(
        "single sign-on domains",
        blank=True,
        validators=[validate_sso_domains],
        help_text="E-mail domains (such as example.com, separated by commas or one a line) "
        "whose people get an account here the first time they sign in by single sign-on. "
        "A domain belongs to one organization only.",
    )
    local_passwords_allowed = models.BooleanField(
        "local passwords allowed",
        default=True,
        help_text="Off: the organization's people (team leads, consultants, and those who "
        "signed up by its domains) sign in only by single sign-on. Superusers keep their "
        "password. Takes effect only while single sign-on is configured.",
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

    def clean(self) -> None:
        super().clean()
        domains = sso_domains_parse(self.sso_domains)
        self.sso_domains = "\n".join(domains)
        others = Organization.objects.exclude(pk=self.pk).exclude(sso_domains="")
        claimed = sorted(
            {
                domain
                for other in others.filter(_any_domain(domains))
                for domain in sso_domains_parse(other.sso_domains)
            }
            & set(domains)
        )
        if claimed:
            raise ValidationError(
                {
                    "sso_domains": ValidationError(
                        "Already a single sign-on domain of another organization: %(domains)s.",
                        code="domain_taken",
                        params={"domains": ", ".join(claimed)},
                    )
                }
            )

    def sso_domain_list(self) -> list[str]:
        return sso_domains_parse(self.sso_domains)


def _any_domain(domains: list[str]) -> Q:
    """Organizations whose domain text may hold one of these (checked exactly after)."""
    query = Q(pk__in=[])
    for domain in domains:
        query |= Q(sso_domains__icontains=domain)
    return query


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


class SsoIdentity(models.Model):
    """A person's account at the single sign-on provider (issuer and subject), and the
    organization whose domain let them sign up, when that is how their account was made.

    Someone made here sees no client data until a lead or an admin assigns them (a team to lead,
    an organization to consult); the organization recorded here says whose person they are, and
    their organization's "local passwords allowed" switch applies to them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sso_members",
        help_text="Whose single sign-on domain made this account (empty: the account existed).",
    )
    email = models.EmailField(help_text="The verified e-mail address at the last sign-in.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField()

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_sso_identity"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.subject})"
