"""Creating, checking and revoking personal access tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PersonalAccessToken

TOKEN_PREFIX = "omm_"  # onboarding maturity model: recognisable in logs and secret scanners
MAX_TOKENS_PER_USER = 50
MAX_LIFETIME_DAYS = 366
LAST_USED_EVERY = datetime.timedelta(minutes=1)  # how often last_used_at is written


class TokenRefused(Exception):
    """Why a presented token does not sign anyone in (the message is safe to show)."""


class TokenLimit(ValueError):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user, name: str, scope: str, expires_in_days: int | None
) -> tuple[PersonalAccessToken, str]:
    """A new token for `user`: the row, and the token itself, which is never stored."""
    name = name.strip()
    if not name:
        raise ValueError(_("Give the token a name."))
    if scope not in PersonalAccessToken.Scope.values:
        raise ValueError(_("Choose read only or read and write."))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        raise ValueError(
            _("A token expires after 1 to %(days)s days, or never.") % {"days": MAX_LIFETIME_DAYS}
        )
    active = PersonalAccessToken.objects.select_for_update().filter(user=user, revoked_at=None)
    if len(active) >= MAX_TOKENS_PER_USER:
        raise TokenLimit(
            _("You have %(count)d tokens: revoke one first.") % {"count": MAX_TOKENS_PER_USER}
        )
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = (
        timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None
    )
    row = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(token),
        scope=scope,
        expires_at=expires_at,
    )
    return row, token


def token_check(token: str) -> PersonalAccessToken:
    """The active token row for a presented token, or TokenRefused."""
    if not token.startswith(TOKEN_PREFIX) or token.count("_") < 2:
        raise TokenRefused(_("Malformed token."))
    prefix = token[len(TOKEN_PREFIX) :].split("_", 1)[0]
    row = (
        PersonalAccessToken.objects.select_related("user")
        .filter(prefix=prefix)
        .only("pk", "digest", "scope", "expires_at", "revoked_at", "last_used_at", "user")
        .first()
    )
    if row is None or not hmac.compare_digest(row.digest, _digest(token)):
        raise TokenRefused(_("Invalid token."))
    if row.revoked_at is not None:
        raise TokenRefused(_("This token has been revoked."))
    now = timezone.now()
    if row.is_expired(now):
        raise TokenRefused(_("This token has expired."))
    if not row.user.is_active:
        raise TokenRefused(_("This token's user is inactive."))
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        PersonalAccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


def token_revoke(*, user, token_id: int) -> PersonalAccessToken | None:
    """Revoke one of `user`'s tokens; None when they have no such token (a 404)."""
    row = PersonalAccessToken.objects.filter(user=user, pk=token_id).first()
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row
