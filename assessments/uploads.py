"""Upload limits: a body over the limit is refused before it is read, a file while it streams.

Three guards, outermost first (settings.IMPORT_MAX_BYTES, from DJANGO_IMPORT_MAX_BYTES):

- the proxy in front (nginx `client_max_body_size`, see README) refuses a larger body itself;
- RequestSizeLimitMiddleware answers 413 to any request whose Content-Length is over
  REQUEST_MAX_BYTES (the file limit plus room for the form around it), without reading a byte;
- SizeLimitUploadHandler, first in FILE_UPLOAD_HANDLERS, stops reading as soon as the files
  of a request pass the limit, so nothing over it is ever held in memory or written to disk.
  The view then answers 413 too (see upload_refused).

Within the limit an upload stays in memory (FILE_UPLOAD_MAX_MEMORY_SIZE is REQUEST_MAX_BYTES),
so no temporary file is written at all.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from assessments.exports import csv_format

REFUSED = "_upload_over_limit"  # request attribute the handler sets when it stops an upload


def size_label(size: int) -> str:
    """A byte count as people read it: "5 MB", "1.5 GB", "800 KB"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return ngettext("%(size)s bytes", "%(size)s bytes", size) % {"size": size}


def max_bytes() -> int:
    """The largest file an import takes (settings.IMPORT_MAX_BYTES, from the environment)."""
    return settings.IMPORT_MAX_BYTES


def too_large_message(size: int | None = None) -> str:
    limit = size_label(max_bytes())
    if size:
        return gettext(
            "This upload (%(size)s) is larger than the %(limit)s limit, so it was refused and "
            "nothing was saved. Split the file into smaller ones (by team or by year) and upload "
            "them one after the other."
        ) % {"size": size_label(size), "limit": limit}
    return gettext(
        "This upload is larger than the %(limit)s limit, so it was refused and nothing was "
        "saved. Split the file into smaller ones (by team or by year) and upload them one after "
        "the other."
    ) % {"limit": limit}


class RequestSizeLimitMiddleware:
    """413 for a request whose declared body is over REQUEST_MAX_BYTES, before it is read.

    It sits after the session, authentication and request-log middleware (the page shows who is
    signed in; the refusal is logged), none of which reads the body; CSRF checking and the view,
    which would, are never reached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_MAX_BYTES:
            return too_large_response(request, declared)
        return self.get_response(request)


def too_large_response(request: HttpRequest, size: int | None = None) -> HttpResponse:
    return render(request, "413.html", {"message": too_large_message(size)}, status=413)


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of a request's files as they stream and stops at IMPORT_MAX_BYTES.

    The handlers after this one (memory, then temporary file) never receive a byte past the
    limit. What is left of the body is read and dropped when it is small (at most DRAIN_BYTES:
    the browser then shows the 413 page rather than a reset connection); a larger rest is
    never read.
    """

    DRAIN_BYTES = 256 * 1024

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = max_bytes()
        self.received = 0  # bytes of every file of the request so far
        self.declared = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.declared = content_length

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            setattr(self.request, REFUSED, True)
            rest = self.declared - self.received
            raise StopUpload(connection_reset=rest > self.DRAIN_BYTES)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def upload_refused(request: HttpRequest) -> bool:
    """Whether SizeLimitUploadHandler stopped this request's upload (read request.FILES first)."""
    return getattr(request, REFUSED, False)


def import_text(upload: UploadedFile) -> IO[str]:
    """The uploaded CSV as text, read as it goes, for csv_format.read_csv.

    ValidationError if the file is over the limit or is not UTF-8: the bytes are checked a
    chunk at a time first (nothing decoded is kept), so such a file gets one clear message
    instead of a problem part way through.
    """
    if upload.size > max_bytes():
        raise ValidationError(too_large_message(upload.size))
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise ValidationError(
            gettext("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        ) from error
    upload.seek(0)
    return csv_format.text_lines(upload)
