"""Reading and saving a person's language. The choice is also kept in the session, so a page
costs no query for it."""

from __future__ import annotations

from django.conf import settings

from accounts.models import Preferences

SESSION_KEY = "preferred_language"
_NOT_READ = object()


def saved_language(request) -> str:
    """The signed-in person's chosen language, or "" (follow the browser)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    session = request.session
    cached = session.get(SESSION_KEY, _NOT_READ)
    if cached is _NOT_READ:
        cached = (
            Preferences.objects.filter(user=user).values_list("language", flat=True).first() or ""
        )
        session[SESSION_KEY] = cached
    return cached if cached in dict(settings.LANGUAGES) else ""


def language_save(*, request, language: str) -> None:
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language: {language}")
    Preferences.objects.update_or_create(user=request.user, defaults={"language": language})
    request.session[SESSION_KEY] = language
