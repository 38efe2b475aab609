"""The consultant's PDF report, rendered by WeasyPrint from its own print template.

WeasyPrint may fetch nothing but the app's own static files: user-entered text is escaped
anyway, and the fetcher is a second wall against anything smuggled into a page.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcherResponse

from assessments.models import Assessment

# A base URL that cannot resolve anywhere: relative links become "https://pdf.invalid/...".
BASE_URL = "https://pdf.invalid/"
PAGE_SIZES = {"a4": "A4", "letter": "Letter"}


class FetchRefused(ValueError):
    pass


def static_only_fetcher(url: str) -> URLFetcherResponse:
    """Serve URLs under STATIC_URL from the app's static files; refuse everything else."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
        raise FetchRefused(f"The PDF renderer fetches only the app's static files, not {url!r}.")
    relative = posixpath.normpath(unquote(parts.path[len(prefix) :]))
    if relative.startswith(("..", "/")):
        raise FetchRefused(f"Refused a path outside the static files: {url!r}.")
    path = finders.find(relative)
    if not path:
        raise FetchRefused(f"No static file {relative!r}.")
    mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    with open(path, "rb") as handle:
        body = handle.read()
    return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})


def render_report_pdf(context: dict, page_size: str = "a4") -> bytes:
    html = render_to_string(
        "assessments/pdf/report.html",
        {**context, "page_size": PAGE_SIZES.get(page_size, "A4")},
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher).write_pdf()


def report_filename(assessment: Assessment) -> str:
    organization = slugify(assessment.team.organization.name) or "organization"
    team = slugify(assessment.team.name) or "team"
    return f"{organization}-{team}-{assessment.year}Q{assessment.quarter}-onboarding-maturity.pdf"
