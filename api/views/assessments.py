from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api import documents, selectors
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import canonical, idempotent
from api.pagination import NewestFirstPagination
from api.serializers.assessments import (
    AnswersWriteSerializer,
    AssessmentDocumentSerializer,
    AssessmentFilterSerializer,
    AssessmentListItemSerializer,
    AssessmentStartSerializer,
    ContextWriteSerializer,
    SubmitSerializer,
)
from api.views.base import ApiView, errors
from assessments import selectors as assessment_selectors
from assessments import services
from assessments.edits import UNKNOWN
from catalogue.selectors import model_structure
from organizations.selectors import teams_visible_to

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    location=OpenApiParameter.HEADER,
    description="Any unique string (a UUID): sending the same request again with the same key "
    "answers the first response again instead of doing it twice.",
)


def managed_assessment(request, pk: int):
    """For writes: the assessments of the teams the user leads or consults for (else 404)."""
    return get_object_or_404(assessment_selectors.assessments_visible_to(request.user), pk=pk)


class AssessmentList(ApiView):
    serializer_class = AssessmentListItemSerializer
    pagination_class = NewestFirstPagination

    @extend_schema(
        operation_id="assessments_list",
        summary="Assessments you may see, newest first, with totals and bands",
        parameters=[AssessmentFilterSerializer],
        responses={200: AssessmentListItemSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request):
        filters = AssessmentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        found = selectors.assessments(request.user, filters.validated_data)
        page = self.paginate_queryset(found)
        summaries = assessment_selectors.assessment_summaries(page)
        return self.get_paginated_response(
            [documents.list_item(summaries[assessment.pk]) for assessment in page]
        )

    @extend_schema(
        operation_id="assessments_start",
        summary="Start a team's quarter (or get its draft back)",
        description="As /assessments/new/: the team's draft for the quarter, created on the "
        "latest published model version if there is none (201), or the existing draft (200). "
        "A quarter already submitted is a 409.",
        request=AssessmentStartSerializer,
        responses={
            201: AssessmentDocumentSerializer,
            200: AssessmentDocumentSerializer,
            **errors(400, 403, 404, 409),
        },
    )
    def post(self, request):
        wanted = AssessmentStartSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        team = get_object_or_404(teams_visible_to(request.user), pk=wanted.validated_data["team"])
        assessment, created = services.assessment_start(
            team=team, period=wanted.validated_data["period"], user=request.user
        )
        return Response(
            documents.assessment_document(request.user, assessment),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AssessmentDetail(ApiView):
    serializer_class = AssessmentDocumentSerializer

    @extend_schema(
        operation_id="assessments_retrieve",
        summary="One assessment: totals, bands, agreed answers, spread, plan",
        description="The JSON export's document with ids and the context. Respondents may read "
        "a submitted assessment they answered (without other people's names).",
        responses={200: AssessmentDocumentSerializer, **errors(404)},
    )
    def get(self, request, pk: int):
        assessment = get_object_or_404(assessment_selectors.reports_visible_to(request.user), pk=pk)
        response = Response(documents.assessment_document(request.user, assessment))
        if not assessment.is_submitted:
            response["Cache-Control"] = "private, no-store"  # a draft changes with every answer
        return response


class AssessmentAnswers(ApiView):
    serializer_class = AnswersWriteSerializer

    @extend_schema(
        operation_id="assessments_answers_update",
        summary="Save answers of a draft (any questions, as the wizard's steps do)",
        description="Through the wizard's service (answers_save): scores 1-5, notes up to 2000 "
        "characters, questions of the draft's model version. Send `shown` with what your copy "
        "held: a value someone else changed since is a 409 naming both, and nothing is saved.",
        request=AnswersWriteSerializer,
        responses={200: AssessmentDocumentSerializer, **errors(400, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        assessment = managed_assessment(request, pk)
        wanted = AnswersWriteSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        questions = {
            question.code: question
            for dim in model_structure(assessment.model).dimensions.all()
            for question in dim.questions.all()
        }
        answers, shown, wrong = {}, {}, {}
        for index, item in enumerate(wanted.validated_data["answers"]):
            question = questions.get(item["question"])
            if question is None:
                version = assessment.model.version
                wrong[str(index)] = {"question": [f"Not a question of {version}."]}
                continue
            answers[question] = (item.get("score"), item.get("note"))
            if "shown" in item:
                was = item["shown"]
                shown[question] = (was.get("score", UNKNOWN), was.get("note", UNKNOWN))
        carried = wanted.validated_data.get("confirm_carried", [])
        unknown = [code for code in carried if code not in questions]
        errors = {"answers": wrong} if wrong else {}  # shaped as DRF's: by the answer's index
        if unknown:
            errors["confirm_carried"] = [f"Not questions of this version: {', '.join(unknown)}."]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        confirmed = [questions[code] for code in carried]
        services.answers_save(
            assessment=assessment, answers=answers, shown=shown, confirmed=confirmed
        )
        return Response(documents.assessment_document(request.user, assessment))


class AssessmentContext(ApiView):
    serializer_class = ContextWriteSerializer

    @extend_schema(
        operation_id="assessments_context_update",
        summary="Save the draft's context (the wizard's first step)",
        request=ContextWriteSerializer,
        responses={200: AssessmentDocumentSerializer, **errors(400, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        assessment = managed_assessment(request, pk)
        wanted = ContextWriteSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        context = dict(wanted.validated_data)
        shown = context.pop("shown", {})
        updated = services.assessment_update_context(assessment=assessment, shown=shown, **context)
        return Response(documents.assessment_document(request.user, updated))


class AssessmentSubmit(ApiView):
    serializer_class = SubmitSerializer

    @extend_schema(
        operation_id="assessments_submit",
        summary="Submit a draft (idempotent with an Idempotency-Key)",
        description="As the review step's submit (assessment_submit): every question answered, "
        "carried answers confirmed. Already submitted: 409.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=SubmitSerializer,
        responses={200: AssessmentDocumentSerializer, **errors(400, 403, 404, 409, 422)},
    )
    def post(self, request, pk: int):
        assessment = managed_assessment(request, pk)
        wanted = SubmitSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)

        def submit() -> Response:
            submitted = services.assessment_submit(
                assessment=assessment,
                user=request.user,
                seen_responses=wanted.validated_data.get("seen_responses"),
            )
            return Response(documents.assessment_document(request.user, submitted))

        return idempotent(request, canonical(request.data), submit)
