"""Reading and saving a person's language. The choice is copied into the session when they
sign in (accounts/signals.py), so a page costs no query for it."""

from __future__ import annotations

from django.conf import settings

from accounts.models import Preferences

SESSION_KEY = "preferred_language"


def saved_language(request) -> str:
    """The signed-in person's chosen language, or "" (follow the browser). A session from
    before the choice existed follows the browser until the next sign-in."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return ""
    language = session.get(SESSION_KEY, "")
    return language if language in dict(settings.LANGUAGES) else ""


def remember_at_sign_in(request, user) -> None:
    language = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    request.session[SESSION_KEY] = language or ""


def language_save(*, request, language: str) -> None:
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language: {language}")
    Preferences.objects.update_or_create(user=request.user, defaults={"language": language})
    request.session[SESSION_KEY] = language
