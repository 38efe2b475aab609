"""CSV import into an organization: the browser's import, all of a file or none of it."""

from __future__ import annotations

import io

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.idempotency import idempotent
from api.parsers import CsvParser
from api.serializers.imports import ImportRejectedSerializer, ImportResultSerializer
from api.views.assessments import IDEMPOTENCY_PARAMETER
from api.views.base import ApiView, errors
from assessments import imports, uploads
from assessments.exports import csv_format
from organizations.selectors import organizations_consulted_by

TRUE = {"1", "true", "yes", "on"}


class OrganizationImport(ApiView):
    parser_classes = [CsvParser]

    @extend_schema(
        operation_id="organizations_import",
        summary="Import submitted assessments from a CSV file (consultants, platform admins)",
        description="The body is the CSV contract (`Content-Type: text/csv`, UTF-8), header "
        "`organization,team,year,quarter,model_version,question,score,note`. All or nothing: a "
        "refused file is a 400 naming the line and column of every problem.",
        parameters=[
            IDEMPOTENCY_PARAMETER,
            OpenApiParameter(
                "create_teams",
                bool,
                description="Create teams the file names that do not exist yet (default: no, "
                "they are problems).",
            ),
        ],
        request={"text/csv": OpenApiTypes.STR},
        responses={
            201: ImportResultSerializer,
            400: OpenApiResponse(ImportRejectedSerializer, description="The file was refused."),
            413: OpenApiResponse(description="Larger than the import limit."),
            415: OpenApiResponse(description="Send the file as text/csv."),
            **errors(403, 404, 409, 422, 503),
        },
    )
    def post(self, request, slug: str):
        organization = get_object_or_404(organizations_consulted_by(request.user), slug=slug)
        body = request.data if isinstance(request.data, bytes) else b""
        if len(body) > uploads.max_bytes():
            return Response(
                {"detail": uploads.too_large_message(len(body)), "code": "too_large"},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Response(
                {
                    "detail": "The file is not UTF-8 text: save it as CSV (UTF-8) and try again.",
                    "code": "not_utf8",
                    "problems": [],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        create_teams = request.query_params.get("create_teams", "").lower() in TRUE

        def run() -> Response:
            result = imports.assessments_import(
                rows=csv_format.read_csv(io.StringIO(text, newline="")),
                user=request.user,
                organization=organization,
                create_teams=create_teams,
            )
            return Response(
                {
                    "summary": imports.summary(result),
                    "assessments": [
                        {"id": a.pk, "team": a.team.name, "year": a.year, "quarter": a.quarter}
                        for a in result.assessments
                    ],
                    "organizations_created": result.organizations_created,
                    "teams_created": result.teams_created,
                },
                status=status.HTTP_201_CREATED,
            )

        return idempotent(request, body, run)
