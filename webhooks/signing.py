"""The signature on every delivery, and how a receiver checks it (README "Webhooks").

Webhook-Signature: v1=<hex HMAC-SHA256 of f"{timestamp}.{body}", keyed with the secret>.
The timestamp (Webhook-Timestamp, unix seconds) is signed with the body, so a receiver that
refuses old timestamps refuses a replayed delivery too. Pure functions: no database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "v1"
SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(
    secret: str, *, timestamp: str, body: bytes, header: str, now: float, tolerance: int = 300
) -> bool:
    """What a receiver does: a recent timestamp, and one of the header's signatures matching.

    The header may carry several signatures separated by spaces (for a future change of
    scheme); any v1 one that matches is enough."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    expected = signature(secret, sent_at, body)
    return any(hmac.compare_digest(expected, given) for given in header.split())
