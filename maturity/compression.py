"""Gzip for the app's own text responses (pages, JSON, CSV exports); never for PDFs, workbooks
or images, which are compressed formats already.

BREACH: Django's GZipMiddleware (5.2) puts up to 100 random bytes in the gzip header's file
name field of every response ("Heal the BREACH", django/utils/text.py compress_string and
compress_sequence), so a response's length no longer tells an attacker whether a guess matched
a secret on the page; the CSRF token in forms is masked afresh on every response as well.
Static files never reach this middleware: WhiteNoise, above it, serves them itself, with the
.gz and .br files CompressedManifestStaticFilesStorage made at collectstatic.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/xml",
        "image/svg+xml",
    }
)


def is_compressible(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in COMPRESSIBLE


class TextGZipMiddleware(GZipMiddleware):
    """GZipMiddleware for text responses only."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_compressible(response.get("Content-Type", "")):
            return response  # a PDF, workbook or logo: gzip would only cost time
        return super().process_response(request, response)
