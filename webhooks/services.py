"""Writes: endpoints (register, rotate the secret, switch on or off, delete) and deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, Team
from webhooks import payloads, signing, ssrf
from webhooks.models import PING, Event, WebhookDelivery, WebhookEndpoint
from webhooks.tasks import deliver_webhook

MAX_ENDPOINTS = 10  # per organization: every event is sent to each of them


class EndpointError(ValueError):
    pass


def after_commit(function, *args) -> None:
    """Call function(*args) once the transaction commits; an error is logged, never raised
    into the write that committed. (A closure, not a partial: Django's log line names it.)"""

    def call() -> None:
        function(*args)

    call.__qualname__ = f"after_commit({getattr(function, '__qualname__', function)!s})"
    transaction.on_commit(call, robust=True)


def endpoint_create(
    *, organization: Organization, user, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint; its secret is on the returned row (show it once)."""
    ssrf.check(url)  # UnsafeURL, the form shows why; looked up before any lock is taken
    events = sorted(set(events))
    if not events or not set(events) <= set(Event.values):
        raise EndpointError(_("Choose at least one of the events."))
    with transaction.atomic():
        # Counted under the organization's row lock: two forms at once cannot pass the limit.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if WebhookEndpoint.objects.filter(organization=organization).count() >= MAX_ENDPOINTS:
            raise EndpointError(
                _(
                    "An organization has at most %(count)s endpoints. Delete one you no "
                    "longer use first."
                )
                % {"count": MAX_ENDPOINTS}
            )
        return WebhookEndpoint.objects.create(
            organization=organization,
            url=url,
            description=description.strip(),
            events=events,
            secret=signing.new_secret(),
            created_by=user,
        )


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret, at once: deliveries from now on are signed with it, retries included."""
    endpoint.secret = signing.new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return endpoint


def endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    """Switched off, an endpoint gets no new deliveries and its pending ones fail."""
    endpoint.active = active
    endpoint.save(update_fields=["active"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()  # its deliveries and their log go with it


def endpoints_listening(organization_id: int, event: str) -> list[WebhookEndpoint]:
    """The organization's active endpoints subscribed to `event`."""
    endpoints = WebhookEndpoint.objects.filter(organization_id=organization_id, active=True)
    return _subscribed(endpoints.select_related("organization"), event)


def endpoints_listening_for_teams(team_ids, event: str) -> list[WebhookEndpoint]:
    """Active endpoints subscribed to `event` of the organizations of these teams (ids, or a
    query of them): one query."""
    endpoints = WebhookEndpoint.objects.filter(
        organization__in=Team.objects.filter(pk__in=team_ids).values("organization_id"),
        active=True,
    )
    return _subscribed(endpoints.select_related("organization"), event)


def _subscribed(endpoints, event: str) -> list[WebhookEndpoint]:
    # Few rows: the events are checked here, as SQLite cannot look inside a JSON list.
    return [endpoint for endpoint in endpoints if event in endpoint.events]


@transaction.atomic
def deliveries_create(
    *, endpoints: list[WebhookEndpoint], event: str, organization: Organization, data: dict
) -> list[WebhookDelivery]:
    """One event for each endpoint, the same event id and body for all; each delivery's first
    try is queued once the rows are committed."""
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event,
        "created_at": timezone.now(),
        "organization": payloads.organization(organization),
        "data": data,
    }
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            event_id=event_id,
            payload=payload,
            next_attempt_at=timezone.now(),
        )
        for endpoint in endpoints
    )
    for row in rows:
        after_commit(deliver_webhook.enqueue, row.pk)
    return rows


def ping_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test delivery to one endpoint, whatever it subscribes to (even switched off: then it
    is logged as not sent)."""
    (row,) = deliveries_create(
        endpoints=[endpoint],
        event=PING,
        organization=endpoint.organization,
        data=payloads.ping(endpoint.organization),
    )
    return row
