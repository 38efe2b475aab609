"""Choosing the language: saved on the person's preferences when signed in, and in the
language cookie (for the sign-in page and after signing out)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.forms import LanguageForm
from accounts.preferences import language_save, saved_language


def _safe_next(request, wanted: str) -> str:
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("language")


def language_choose(request):
    if request.method != "POST":
        initial = {"language": saved_language(request), "next": request.GET.get("next", "")}
        return render(request, "accounts/language.html", {"form": LanguageForm(initial=initial)})
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/language.html", {"form": form}, status=400)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        language_save(request=request, language=language)
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite="Lax")
    with translation.override(language or translation.get_language()):
        messages.success(request, _("Language saved."))
    return response
