from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.generics import GenericAPIView

from api.etags import with_etag
from api.serializers.common import ErrorSerializer

_DESCRIPTIONS = {
    400: "Refused: the fields that need fixing (or `detail` and `problems`); nothing was saved.",
    401: "No valid token: missing, malformed, expired or revoked.",
    403: "Not allowed: a read-only token writing, or a write only platform admins may make.",
    404: "Not found, or outside what you may see.",
    409: "Conflict: changed by someone else since you read it, or already submitted.",
    422: "This Idempotency-Key was used for a different request.",
    429: "Rate limit reached: wait for the seconds in Retry-After.",
    503: "Busy: nothing was done; send the same request again after Retry-After.",
}


def errors(*codes: int) -> dict:
    """The error responses an operation documents (401, 404 and 429 on every one)."""
    documented = {401, 429, *codes}
    return {
        code: OpenApiResponse(
            OpenApiTypes.OBJECT if code == 400 else ErrorSerializer,
            description=_DESCRIPTIONS[code],
        )
        for code in sorted(documented)
    }


class ApiView(GenericAPIView):
    """Reads answer with an ETag (304 for a matching If-None-Match)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return with_etag(request, response)


def found(obj):
    """The object, or 404: None is what the scoped selectors give outside scope."""
    if obj is None:
        raise Http404
    return obj
