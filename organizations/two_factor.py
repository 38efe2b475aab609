"""Two-factor sign-in (TOTP, django-otp) for staff and superusers: devices and the session.

After the password, a person with a confirmed device is signed in but not verified: the
middleware (middleware.py) lets them reach only the code page and sign-out until a code from
their device verifies the session. With DJANGO_REQUIRE_2FA_FOR_SUPERUSERS on, a superuser
without a device is sent to set one up first.
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set at sign-in (one query, then none per request): True when the person has a device and
# so owes a code before anything else.
CODE_OWED = "two_factor_code_owed"
DEVICE_NAME = "Authenticator app"


def may_use_two_factor(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def must_use_two_factor(user) -> bool:
    return user.is_superuser and settings.REQUIRE_2FA_FOR_SUPERUSERS


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def device_for_setup(user) -> TOTPDevice:
    """The person's unconfirmed device: the same secret on every visit until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def code_check(*, device: TOTPDevice, token: str) -> tuple[bool, str]:
    """Check a code against a device, under its throttle (waits that double with each wrong
    code). Returns (accepted, why not)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, detail = device.verify_is_allowed()
        if not allowed:
            until = (detail or {}).get("locked_until")
            wait = max(int((until - timezone.now()).total_seconds()) + 1, 1) if until else 60
            return False, ngettext(
                "Too many wrong codes. Wait %(seconds)d second, then enter the current code.",
                "Too many wrong codes. Wait %(seconds)d seconds, then enter the current code.",
                wait,
            ) % {"seconds": wait}
        if device.verify_token(token):
            return True, ""
    return False, _("That code is not right (or was already used). Enter the current one.")


def session_verify(request, device: TOTPDevice) -> None:
    """The code was right: this session is verified with this device from now on."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[CODE_OWED] = False


@transaction.atomic
def device_confirm(*, request, device: TOTPDevice) -> None:
    """Make a device the person's one device, confirmed, and verify the session with it."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    session_verify(request, device)


def device_remove(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def code_owed_at_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: does this session owe a code?"""
    if request is not None and hasattr(request, "session"):
        request.session[CODE_OWED] = TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def qr_code_svg(uri: str) -> SafeString:
    """The otpauth:// URI as an inline SVG QR code (drawn here, no outside service)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # Our own drawing of our own URI: paths and numbers only, nothing from the person.
    return mark_safe(svg)  # noqa: S308


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
