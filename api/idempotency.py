"""`Idempotency-Key` for the writes that must not happen twice (submit, import).

A client that does not know whether its request went through sends it again with the same key:
the same key with the same request gets the first response again (with `Idempotent-Replayed:
true`) and nothing is written twice; the same key with a different request is refused (422);
a retry that arrives while the first request still runs gets 409. Keys belong to the person,
and are forgotten after KEEP_FOR.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from api.errors import exception_handler
from api.models import IdempotencyKey
from assessments.services import AssessmentError

HEADER = "Idempotency-Key"
KEEP_FOR = datetime.timedelta(hours=24)
MAX_KEY_LENGTH = IdempotencyKey._meta.get_field("key").max_length
# Worth answering again: a refusal is as final as a success. Not kept: a busy database or a
# rate limit, after which the same request may well succeed.
NOT_KEPT = {status.HTTP_429_TOO_MANY_REQUESTS, status.HTTP_503_SERVICE_UNAVAILABLE}


def canonical(data) -> bytes:
    """A JSON body as compared between two requests: the same data, however it was spaced."""
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def _fingerprint(request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError(
            {HEADER: [f"Send 1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID."]}
        )
    return key


def idempotent(request, body: bytes, run) -> Response:
    """run() -> Response, at most once per key; a repeat gets the stored response."""
    key = _key(request)
    if key is None:
        return run()
    fingerprint = _fingerprint(request, body)
    user = request.user
    IdempotencyKey.objects.filter(
        user=user, key=key, created_at__lt=timezone.now() - KEEP_FOR
    ).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
    except IntegrityError:
        return _repeat(user, key, fingerprint)
    try:
        response = run()
    except (AssessmentError, APIException) as refused:
        response = exception_handler(refused, {})  # a refusal is answered again as it was
    except BaseException:
        row.delete()  # nothing was done: the same key may be sent again
        raise
    if response.status_code in NOT_KEPT:
        row.delete()
        return response
    row.status_code = response.status_code
    row.response_body = response.data
    row.save(update_fields=["status_code", "response_body"])
    return response


def _repeat(user, key: str, fingerprint: str) -> Response:
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:  # the first request failed and let its key go a moment ago
        return Response(
            {"detail": "A request with this Idempotency-Key just failed: send it again."},
            status=status.HTTP_409_CONFLICT,
        )
    if row.fingerprint != fingerprint:
        return Response(
            {
                "detail": "This Idempotency-Key was used for a different request: use a new key "
                "for a new request.",
                "code": "idempotency_key_reused",
            },
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if row.status_code is None:
        return Response(
            {
                "detail": "A request with this Idempotency-Key is still being processed: ask "
                "again in a moment.",
                "code": "idempotency_key_in_use",
            },
            status=status.HTTP_409_CONFLICT,
        )
    return Response(
        row.response_body, status=row.status_code, headers={"Idempotent-Replayed": "true"}
    )
