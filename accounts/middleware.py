"""Speak to a signed-in person in the language they chose; LocaleMiddleware (the browser's
Accept-Language, or the language cookie) decides for everyone else."""

from __future__ import annotations

from django.utils import translation

from accounts.preferences import saved_language


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = saved_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
