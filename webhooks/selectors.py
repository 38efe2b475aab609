"""Who manages an organization's webhooks: its consultants, and platform admins. Team leads
and everyone else get a 404, as for any page outside their scope."""

from __future__ import annotations

from django.db.models import QuerySet

from organizations.models import Organization
from organizations.selectors import organizations_consulted_by


def organizations_managed_by(user) -> QuerySet[Organization]:
    return organizations_consulted_by(user)
