"""The language an e-mail or a background render speaks: the recipient's own choice
(accounts' Preferences) when they made one, else the site's default."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from accounts.models import Preferences


def _known(language: str | None) -> str:
    return language if language and language in dict(settings.LANGUAGES) else ""


def languages_for(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Each user's chosen language, one query for all of them; users without a choice are
    missing from the result (see language_of)."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return {}
    chosen = Preferences.objects.filter(user_id__in=ids).exclude(language="")
    return {
        user_id: language
        for user_id, language in chosen.values_list("user_id", "language")
        if _known(language)
    }


def language_of(languages: dict[int, str], user_id: int | None, default: str | None = None) -> str:
    """The user's language from a languages_for() result, else `default`, else the site's."""
    if user_id is not None and user_id in languages:
        return languages[user_id]
    return _known(default) or settings.LANGUAGE_CODE


def user_language(user_id: int | None, default: str | None = None) -> str:
    """One user's language (one query), else `default`, else the site's."""
    return language_of(languages_for([user_id]), user_id, default)
