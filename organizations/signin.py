"""Sign-in: one username normalisation and one client address for the form, the backend and
the throttle (django-axes, see throttle.py), and the sign-in page.

A username and every variant of it that signs in to the same account (spaces around it,
no-break or ideographic spaces, full-width letters, another case) count as one username:
`normalise_username` maps them to one key, the backend finds the account by that key, and the
throttle counts failures under it. The invariant the tests hold: whatever signs in to an
account is throttled under normalise_username(account.username).
"""

from __future__ import annotations

import ipaddress
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

# Django refuses usernames longer than this; NFKC over a huge string is slow (Django caps its
# own normalisation for the same reason), and axes stores at most 255 characters.
_LONGEST = 300


def normalise_username(value: object) -> str:
    """Strip, NFKC and casefold: "  Ｌｅａｄ_A\u00a0" and "lead_a" are one username."""
    text = unicodedata.normalize("NFKC", str(value or "")[:_LONGEST])
    return unicodedata.normalize("NFKC", text.casefold()).strip()[:255]


def user_for_username(username: str):
    """The account a typed username signs in to, or None.

    The name as typed (stripped, NFKC, as Django's sign-in form gives it) wins; otherwise the
    one account whose normalised username is the same. Two accounts that differ only in case
    (Django's forms refuse to create them since 4.2) are ambiguous: neither is guessed.
    """
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    typed = unicodedata.normalize("NFKC", str(username)[:_LONGEST]).strip()
    key = normalise_username(typed)
    if not key or len(typed) > 150:
        return None
    candidates = list(
        user_model._default_manager.filter(Q(**{field: typed}) | Q(**{f"{field}__iexact": key}))[
            :20
        ]
    )
    exact = [user for user in candidates if user.get_username() == typed]
    if exact:
        return exact[0]
    same = [user for user in candidates if normalise_username(user.get_username()) == key]
    return same[0] if len(same) == 1 else None


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the key failures are counted under."""
    if credentials is not None:
        username = credentials.get(get_user_model().USERNAME_FIELD)
    else:
        username = request.POST.get(get_user_model().USERNAME_FIELD) if request else None
    if username is None:
        return None
    return normalise_username(username) or None


def _address(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.5:443"
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address of the client, not of our proxy.

    DJANGO_CLIENT_IP_HEADER names the request.META key the proxy sets (default REMOTE_ADDR:
    no proxy). For a list such as X-Forwarded-For, every proxy appends the address it was
    reached from, so with DJANGO_TRUSTED_PROXIES proxies in front of the app the client is
    that many entries from the right; what the client wrote there itself (further left) is
    never trusted. A request with fewer entries did not come through the proxies: its own
    REMOTE_ADDR is used.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    header = settings.SIGN_IN_CLIENT_IP_HEADER
    if header == "REMOTE_ADDR":
        return remote
    entries = [entry for entry in request.META.get(header, "").split(",") if entry.strip()]
    proxies = max(settings.SIGN_IN_TRUSTED_PROXIES, 1)
    if len(entries) < proxies:
        return remote
    return _address(entries[-proxies]) or remote


def lockout_message() -> str:
    minutes = max(settings.SIGN_IN_WINDOW_SECONDS // 60, 1)
    return ngettext(
        "Too many failed sign-in attempts. Wait %(minutes)d minute and try again, "
        "or reset your password.",
        "Too many failed sign-in attempts. Wait %(minutes)d minutes and try again, "
        "or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page as rendered (its form says why), as 429 Too Many Requests.

    Both sign-in forms (ours and admin's) put lockout_message() on the page; anything else that
    calls authenticate() gets the message as text.
    """
    if isinstance(response, HttpResponse) and response.status_code == 200:
        response.status_code = 429
        return response
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
