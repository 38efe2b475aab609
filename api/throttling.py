"""Rate limits per token (per person for browser sessions); rates in settings.REST_FRAMEWORK."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import PersonalAccessToken


class _PerToken(SimpleRateThrottle):
    def get_rate(self):
        # Read when the request comes, not when the class is defined: a changed setting (a
        # test's override, say) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not self.applies_to(request):
            return None
        token = request.auth
        if isinstance(token, PersonalAccessToken):
            ident = f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def applies_to(self, request) -> bool:
        return True


class ReadThrottle(_PerToken):
    scope = "api-read"


class WriteThrottle(_PerToken):
    scope = "api-write"

    def applies_to(self, request) -> bool:
        return request.method not in ("GET", "HEAD", "OPTIONS")
