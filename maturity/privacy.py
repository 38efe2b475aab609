"""Responses with someone's data are never stored by a shared or browser cache."""

from __future__ import annotations

from django.utils.cache import patch_cache_control


class PrivateByDefaultMiddleware:
    """Every response to a signed-in person (pages, reports, PDFs, exports) is
    `Cache-Control: private, no-store`, unless its view chose its own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
