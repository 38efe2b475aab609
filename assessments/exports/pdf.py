"""The consultant's PDF report, rendered by WeasyPrint from its own print template.

WeasyPrint may fetch nothing but the app's own static files and the PNG or JPEG data: URIs we
embed (the logos): user-entered text is escaped anyway, and the fetcher is a second wall
against anything smuggled into a page. The PDF is tagged (PDF/UA-1): headings, lists and tables
are in its structure tree for screen readers, the language and title in its catalog.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import posixpath
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcherResponse

from assessments.models import Assessment
from organizations.logos import data_uri
from organizations.models import FirmProfile, Organization

# A base URL that cannot resolve anywhere: relative links become "https://pdf.invalid/...".
BASE_URL = "https://pdf.invalid/"
PAGE_SIZES = {"a4": "A4", "letter": "Letter"}
PDF_VARIANT = "pdf/ua-1"  # tagged, with the language, title and PDF/UA identification
PRODUCT_NAME = "Onboarding Maturity"  # on a cover when no firm profile is set up
DEFAULT_ACCENT = "#1f3a5f"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_IMAGE_DATA = re.compile(r"^data:(image/png|image/jpeg);base64,([A-Za-z0-9+/=\s]+)$")
_IMAGE_SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


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


def embedded_image_or_static_fetcher(url: str) -> URLFetcherResponse:
    """What static_only_fetcher serves, and PNG or JPEG data: URIs (the logos we embed,
    checked by their bytes); any other data: URI is refused."""
    if not url.startswith("data:"):
        return static_only_fetcher(url)
    match = _IMAGE_DATA.match(url)
    if not match:
        raise FetchRefused("Only PNG or JPEG data: URIs are embedded in a PDF.")
    content_type = match.group(1)
    try:
        body = base64.b64decode(match.group(2), validate=False)
    except (binascii.Error, ValueError) as error:
        raise FetchRefused("A data: URI that is not base64.") from error
    if not body.startswith(_IMAGE_SIGNATURES[content_type]):
        raise FetchRefused(f"A data: URI whose bytes are not {content_type}.")
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def accent_colour(firm: FirmProfile | None) -> str:
    """The firm's accent colour when it is a #rrggbb hex colour (it goes into CSS), else ours."""
    colour = firm.accent_colour if firm else ""
    return colour if _HEX_COLOUR.match(colour or "") else DEFAULT_ACCENT


def branding_context(organization: Organization) -> dict:
    """The cover's branding: the firm profile (or None), its accent colour, and both logos as
    data: URIs (None when there is none). One query, plus reading the logo files."""
    firm = FirmProfile.objects.first()
    return {
        "firm": firm,
        "firm_name": firm.name if firm else PRODUCT_NAME,
        "accent": accent_colour(firm),
        "firm_logo": data_uri(firm.logo) if firm else None,
        "client_logo": data_uri(organization.logo),
    }


def render_document(template_name: str, context: dict, page_size: str = "a4") -> Document:
    """Lay out a print template (its pages and boxes, before any PDF is written)."""
    html = render_to_string(
        template_name, {**context, "page_size": PAGE_SIZES.get(page_size, "A4")}
    )
    return HTML(
        string=html, base_url=BASE_URL, url_fetcher=embedded_image_or_static_fetcher
    ).render(pdf_variant=PDF_VARIANT, pdf_tags=True)


def render_pdf(template_name: str, context: dict, page_size: str = "a4") -> bytes:
    """A tagged PDF (PDF/UA-1) of a print template: the template's <html lang> and <title>
    become the PDF's language and title; page_size is a key of PAGE_SIZES ("page_size" in the
    template's context is the CSS name)."""
    document = render_document(template_name, context, page_size)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def render_report_pdf(context: dict, page_size: str = "a4") -> bytes:
    return render_pdf("assessments/pdf/report.html", context, page_size)


def report_filename(assessment: Assessment) -> str:
    organization = slugify(assessment.team.organization.name) or "organization"
    team = slugify(assessment.team.name) or "team"
    return f"{organization}-{team}-{assessment.year}Q{assessment.quarter}-onboarding-maturity.pdf"
