"""One try of one delivery: sign, send, log the try, and decide what comes next.

Retries follow RETRY_SCHEDULE (the WEBHOOK_RETRY_SCHEDULE setting, seconds after each failed
try); after the last one the delivery has failed for good. A 2xx answer is a success, anything
else (a 3xx included: redirects are not followed) or no answer is a failed try.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from webhooks import sending, signing
from webhooks.models import WebhookAttempt, WebhookDelivery

# 1 min, 5 min, 30 min, 2 h, 12 h: six tries over about 15 hours.
DEFAULT_RETRY_SCHEDULE = (60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600)
INACTIVE = "The endpoint is deactivated, so this delivery was not sent."


def retry_schedule() -> tuple[int, ...]:
    return tuple(getattr(settings, "WEBHOOK_RETRY_SCHEDULE", DEFAULT_RETRY_SCHEDULE))


def max_attempts() -> int:
    return len(retry_schedule()) + 1


def body_of(payload: dict) -> bytes:
    """The bytes sent (and signed): the same for every try of a delivery."""
    return json.dumps(
        payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False
    ).encode()


def headers_for(delivery: WebhookDelivery, body: bytes, now: float) -> dict[str, str]:
    timestamp = int(now)
    return {
        "Webhook-Id": str(delivery.event_id),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signing.signature(delivery.endpoint.secret, timestamp, body),
        "Webhook-Event": delivery.event,
    }


@dataclass(frozen=True)
class Result:
    status: str  # the delivery's status after this try, or "skipped"
    retry_at: datetime | None = None


def attempt(delivery_id: int) -> Result:
    """Try a pending delivery once. Never raises for a receiver's fault: that is logged."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return Result("skipped")
    # Claim this try: a second worker holding the same delivery (a task run twice) updates
    # nothing and goes away, so a try is never made or counted twice.
    number = delivery.attempts + 1
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=None)
    if not claimed:
        return Result("skipped")
    started = timezone.now()
    if delivery.endpoint.active:
        body = body_of(delivery.payload)
        headers = headers_for(delivery, body, time.time())
        outcome = sending.post(delivery.endpoint.url, body, headers)
    else:
        outcome = sending.Outcome(None, INACTIVE, 0)
    schedule = retry_schedule()
    if outcome.succeeded:
        status, retry_at = WebhookDelivery.Status.SUCCEEDED, None
    elif not delivery.endpoint.active or number > len(schedule):
        status, retry_at = WebhookDelivery.Status.FAILED, None
    else:
        status = WebhookDelivery.Status.PENDING
        retry_at = timezone.now() + timedelta(seconds=schedule[number - 1])
    with transaction.atomic():  # the try and its outcome: one commit
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=started,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=status, next_attempt_at=retry_at
        )
    return Result(status, retry_at)
