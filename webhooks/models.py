"""Organizations' webhook endpoints, what was sent to them and how each try went.

The signing secret is stored as it is: signing needs the secret itself (a hash could not sign),
and a key to encrypt it with would live in the same settings as the database's password, so
encryption would add a dependency and guard only a copy of the database taken without the
settings. It is shown to the endpoint's managers once, when it is made or rotated; admin never
shows it. See README "Webhooks".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Event(models.TextChoices):
    ASSESSMENT_SUBMITTED = "assessment.submitted", "Assessment submitted"
    ACTION_UPDATED = "action.updated", "Plan action added or changed"
    IMPORT_COMPLETED = "import.completed", "CSV import completed"


PING = "webhook.ping"  # "Send a test ping": sent whatever the endpoint subscribes to


class WebhookEndpoint(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.CharField("URL", max_length=500)
    description = models.CharField(max_length=100, blank=True)
    events = models.JSONField(default=list)  # a subset of Event's values
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [Event(value).label for value in self.events if value in Event.values]


class WebhookDelivery(models.Model):
    """One event for one endpoint. Its event id and body stay the same on every try, so a
    receiver can tell a retry from a new event."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.UUIDField(default=uuid.uuid4)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="one_delivery_per_event")
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="delivery_log")]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class WebhookAttempt(models.Model):
    """One try: the receiver's status code, or why nothing came back (error)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
