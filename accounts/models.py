"""What a person chose for themselves (the language the app speaks to them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def _languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class Preferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    # Blank: follow the browser (Accept-Language).
    language = models.CharField(max_length=10, blank=True, choices=_languages)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"{self.user}: {self.language or 'browser language'}"
