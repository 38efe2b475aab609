"""Sign-in throttling: django-axes' database handler, counting each guess before its password
is checked.

axes' own handler asks "how many failures so far?" before the password check and records the
failure after it, so guesses that arrive together all hear "four" and all get checked. Here a
guess is counted (committed) first and the counts are read back after: of any number of
concurrent guesses, only those that still fit under the limit, counting each other, go on to
the password check; the others are turned away and uncounted. A correct password removes its
own guess with the other failures of that username from that address.

The policy (numbers in settings, SIGN_IN_*):
- at most SIGN_IN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS failed passwords per username from one
  client address within the window (the window restarts with every failure of that pair);
- an address with more than SIGN_IN_MAX_FAILURES_PER_ADDRESS failures in the window (of any
  usernames) gets one guess per username it has not failed on yet, and none more: a colleague
  behind the same proxy who types their password right still signs in, a guesser there gets no
  second try at any username.
Counts live in axes' AccessAttempt rows (one per username, address and user agent), so admin
lists them and `axes_reset_*` or deleting a row in admin clears them.
"""

from __future__ import annotations

import datetime
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_query_str
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db import router, transaction
from django.db.models import F, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from organizations.signin import normalise_username

log = logging.getLogger("organizations.sign_in")


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: the window, read when used (so a test can change it)."""
    return datetime.timedelta(seconds=settings.SIGN_IN_WINDOW_SECONDS)


def guess_allowed(*, pair: int, address: int) -> bool:
    """May a guess be checked? `pair`: failures of this username from this address, `address`:
    failures of any username from it, each counting this guess."""
    if pair > settings.SIGN_IN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS:
        return False
    return address <= settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS or pair <= 1


def _counts(*, username: str, address: str | None) -> tuple[int, int]:
    since = timezone.now() - cool_off()
    totals = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        pair=Sum("failures_since_start", filter=Q(username=username)),
        address=Sum("failures_since_start"),
    )
    return totals["pair"] or 0, totals["address"] or 0


def failures_forget(*, username: str, address: str | None = None) -> int:
    """Clear a username's failures: from one address, or (address None) from everywhere."""
    attempts = AccessAttempt.objects.filter(username=normalise_username(username))
    if address is not None:
        attempts = attempts.filter(ip_address=address)
    count, _ = attempts.delete()
    return count


def guess_succeeded(request: HttpRequest | None, user) -> None:
    """The password was right: this guess and the pair's earlier failures no longer count."""
    if request is None or not hasattr(request, "axes_ip_address"):
        return
    failures_forget(username=user.get_username(), address=request.axes_ip_address)
    request.sign_in_guess = None


class SignInThrottle(AxesDatabaseHandler):
    def is_allowed(self, request, credentials: dict | None = None) -> bool:
        if self.is_blacklisted(request, credentials):
            return False
        if self.is_whitelisted(request, credentials):
            return True
        username = get_client_username(request, credentials)
        if not username:
            return True  # no username, no password check (ModelBackend needs both)
        return self._count_guess(request, username)

    def _count_guess(self, request, username: str) -> bool:
        self.clean_expired_user_attempts(request)
        address = request.axes_ip_address
        with transaction.atomic(using=router.db_for_write(AccessAttempt)):
            attempt, created = AccessAttempt.objects.select_for_update().get_or_create(
                username=username,
                ip_address=address,
                user_agent=request.axes_user_agent,
                defaults={
                    "failures_since_start": 1,
                    "get_data": "",
                    "post_data": "",
                    "http_accept": request.axes_http_accept,
                    "path_info": request.axes_path_info,
                    "attempt_time": request.axes_attempt_time,
                },
            )
            if not created:
                AccessAttempt.objects.filter(pk=attempt.pk).update(
                    failures_since_start=F("failures_since_start") + 1
                )
            # Read while still holding the row: guesses of one username from one address take
            # their turn, so each sees exactly the guesses before it (and the first five, not
            # none, get through when many arrive at once).
            pair, address_total = _counts(username=username, address=address)
        if guess_allowed(pair=pair, address=address_total):
            request.sign_in_guess = attempt.pk
            return True
        self._uncount(attempt.pk)
        limit = settings.SIGN_IN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS
        request.sign_in_refused = "username_and_address" if pair > limit else "address"
        return False

    @staticmethod
    def _uncount(pk: int) -> None:
        with transaction.atomic(using=router.db_for_write(AccessAttempt)):
            attempt = AccessAttempt.objects.select_for_update().filter(pk=pk).first()
            if attempt is None:
                return
            if attempt.failures_since_start <= 1:
                attempt.delete()
            else:
                AccessAttempt.objects.filter(pk=pk).update(
                    failures_since_start=F("failures_since_start") - 1
                )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        refused = getattr(request, "sign_in_refused", None)
        if refused:
            request.axes_credentials = credentials
            log.warning(
                "sign_in_refused",
                extra={"username": username, "address": address, "reason": refused},
            )
            return None
        pk = getattr(request, "sign_in_guess", None)
        if pk is None:  # a failure that never asked is_allowed (not from authenticate())
            return super().user_login_failed(sender, credentials, request, **kwargs)
        request.sign_in_guess = None
        # Counted when it was let through; now it is a failure: it restarts the pair's window.
        AccessAttempt.objects.filter(pk=pk).update(
            attempt_time=request.axes_attempt_time,
            get_data=get_query_str(request.GET).replace("\0", "0x00"),
            post_data=get_query_str(request.POST).replace("\0", "0x00"),
            http_accept=request.axes_http_accept,
            path_info=request.axes_path_info,
        )
        pair, address_total = _counts(username=username, address=address)
        request.axes_failures_since_start = pair
        pair_locked = pair >= settings.SIGN_IN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS
        address_locked = address_total == settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS
        if pair_locked or address_locked:
            log.warning(
                "sign_in_lockout",
                extra={
                    "username": username,
                    "address": address,
                    "reason": "username_and_address" if pair_locked else "address",
                    "failures": pair if pair_locked else address_total,
                },
            )
        if settings.AXES_ENABLE_ACCESS_FAILURE_LOG:
            AccessFailureLog.objects.create(
                username=username,
                ip_address=address,
                user_agent=request.axes_user_agent,
                http_accept=request.axes_http_accept,
                path_info=request.axes_path_info,
                attempt_time=request.axes_attempt_time,
                locked_out=pair_locked,
            )
            self.remove_out_of_limit_failure_logs(username=username)
        return None

    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        return _counts(username=username, address=request.axes_ip_address)[0]

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        """Would the next guess be turned away? (Asks only; counts nothing.)"""
        username = get_client_username(request, credentials)
        pair, address_total = _counts(username=username, address=request.axes_ip_address)
        return not guess_allowed(pair=pair + 1, address=address_total + 1)

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """`axes_reset_username Lead_A` clears the same lock as `lead_a`."""
        if username:
            username = normalise_username(username)
        return super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
