"""`ETag` on every successful read, and 304 for an `If-None-Match` that still matches.

The tag is a digest of the JSON body as sent, so it changes exactly when what the reader may
see changes (their scope included) and needs no bookkeeping of its own.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

SAFE = ("GET", "HEAD")


def with_etag(request, response):
    """`response` (a DRF Response, rendered here) with its ETag, or a 304 when it matches."""
    if request.method not in SAFE or response.status_code != 200:
        return response
    response.render()
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    if not response.has_header("Cache-Control"):
        # Personal data: never in a shared cache; a browser asks again each time (ETag).
        patch_cache_control(response, private=True, no_cache=True)
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if "*" in wanted or etag in wanted or f"W/{etag}" in wanted:
        unchanged = HttpResponseNotModified()
        unchanged["ETag"] = etag
        unchanged["Cache-Control"] = response["Cache-Control"]
        return unchanged
    return response
