"""The second factor stands between a signed-in session and every page (admin included)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from organizations.two_factor import CODE_OWED, confirmed_device, must_use_two_factor


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: a session that owes a code (or, when superusers must
    use two factors, a superuser without a device) reaches only the code page (or the set-up
    page) and sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self._owed_page(request)
        if target and request.path_info not in {reverse(target), reverse("logout")}:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _owed_page(request) -> str | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        # Set at sign-in, so an ordinary page costs no query for this.
        if request.session.get(CODE_OWED):
            return "two-factor-verify"
        if must_use_two_factor(user):
            return "two-factor-verify" if confirmed_device(user) else "two-factor-setup"
        return None
