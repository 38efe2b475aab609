"""How the API answers a refusal: the services' reasons as 400, 409 or 503, never a 500.

DRF's own handler does the rest (400 field errors, 401, 403, 404, 429 with Retry-After).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from assessments.imports import ImportBusy, ImportRejected
from assessments.plan_services import PlanError
from assessments.services import AlreadySubmitted, AssessmentError, ResponsesChanged, SaveConflict

IMPORT_RETRY_SECONDS = 60


def exception_handler(exc, context):
    if isinstance(exc, AssessmentError):
        return refusal_response(exc)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def refusal_response(exc: AssessmentError) -> Response:
    """A service's refusal: nothing was saved; the body says why, as the pages do."""
    if isinstance(exc, SaveConflict):
        conflicts = [
            {"field": c.field, "label": c.label, "mine": c.mine, "theirs": c.theirs}
            for c in exc.conflicts
        ]
        body = {"detail": str(exc), "code": "save_conflict", "conflicts": conflicts}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, AlreadySubmitted):
        body = {"detail": str(exc), "code": "already_submitted"}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ResponsesChanged):
        body = {"detail": str(exc), "code": "responses_changed"}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ImportBusy):
        body = {"detail": str(exc), "code": "import_busy"}
        headers = {"Retry-After": str(IMPORT_RETRY_SECONDS)}
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
    if isinstance(exc, ImportRejected):
        problems = [
            {"line": p.line, "column": p.column, "message": p.message, "text": str(p)}
            for p in exc.problems
        ]
        body = {"detail": str(exc), "code": "import_rejected", "problems": problems}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PlanError):
        body = {"detail": str(exc), "code": "refused", "problems": exc.problems}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": str(exc), "code": "refused"}, status=status.HTTP_400_BAD_REQUEST)
