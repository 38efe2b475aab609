"""Logos, served only to people who may see whose they are (never from MEDIA_URL)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from organizations import selectors as scope
from organizations.logos import stored_logo
from organizations.models import FirmProfile

# The person's own browser may keep a logo a little while (pages show it on every load);
# no shared cache may, since a client's logo says who the firm works for.
LOGO_MAX_AGE = 300


def firm_profile() -> FirmProfile | None:
    """The one firm profile, if there is one yet (the admin never allows a second)."""
    return FirmProfile.objects.order_by("pk").first()


@login_required
@require_GET
def organization_logo(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(scope.organizations_visible_to(request.user), slug=slug)
    return _logo_response(organization.logo)


@login_required
@require_GET
def firm_logo(request: HttpRequest) -> HttpResponse:
    profile = firm_profile()
    return _logo_response(profile.logo if profile is not None else None)


def _logo_response(field_file) -> HttpResponse:
    logo = stored_logo(field_file)
    if logo is None:
        raise Http404("No logo.")
    response = HttpResponse(logo.content, content_type=logo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image is a document: it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    patch_cache_control(response, private=True, max_age=LOGO_MAX_AGE)
    return response
