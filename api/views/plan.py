"""The plan of a submitted assessment (theme, actions) and its quarter's outcome figures."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from api import documents, selectors
from api.serializers.assessments import AssessmentDocumentSerializer
from api.serializers.plan import (
    ActionSerializer,
    ActionWriteSerializer,
    MetricsSerializer,
    ThemeWriteSerializer,
)
from api.views.assessments import managed_assessment
from api.views.base import ApiView, errors
from assessments import plan as plan_reads
from assessments import plan_services
from assessments.plan_services import METRIC_RULES, ActionInput
from assessments.team_answers import people_of
from catalogue.selectors import model_structure


def _bad(field: str, message: str) -> Response:
    return Response({field: [message]}, status=status.HTTP_400_BAD_REQUEST)


class AssessmentTheme(ApiView):
    serializer_class = ThemeWriteSerializer

    @extend_schema(
        operation_id="assessments_theme_update",
        summary="Choose next quarter's theme (after submitting)",
        request=ThemeWriteSerializer,
        responses={200: AssessmentDocumentSerializer, **errors(400, 403, 404)},
    )
    def put(self, request, pk: int):
        assessment = managed_assessment(request, pk)
        wanted = ThemeWriteSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        dimensions = {d.code: d for d in model_structure(assessment.model).dimensions.all()}
        dimension = dimensions.get(wanted.validated_data["dimension"])
        if dimension is None:
            return _bad("dimension", f"Not a dimension of {assessment.model.version}.")
        questions = {q.code: q for q in dimension.questions.all()}
        codes = wanted.validated_data.get("questions", [])
        strays = [code for code in codes if code not in questions]
        if strays:
            return _bad("questions", f"Not questions of {dimension.name}: {', '.join(strays)}.")
        chosen = plan_services.theme_choose(
            assessment=assessment,
            user=request.user,
            dimension=dimension,
            questions=[questions[code] for code in dict.fromkeys(codes)],
            reason=wanted.validated_data.get("reason", ""),
        )
        return Response(documents.assessment_document(request.user, chosen))


def _wanted(assessment, data: dict, *, base: ActionInput | None = None):
    """The ActionInput of a request (over `base` for a partial change), or a 400."""
    fields = dict(vars(base)) if base else {}
    fields.update({key: value for key, value in data.items() if key != "owner"})
    people = list(people_of(assessment.team.organization))
    if data.get("owner"):
        owner = next((p for p in people if p.get_username() == data["owner"]), None)
        if owner is None:
            return None, people, _bad("owner", "Not a person of this organization.")
        fields["owner"] = owner
    elif "owner" in data:
        fields["owner"] = None
    for key in ("due_date", "status"):
        if fields.get(key) is None:
            fields.pop(key, None)
    return ActionInput(**fields), people, None


class AssessmentActions(ApiView):
    serializer_class = ActionWriteSerializer

    @extend_schema(
        operation_id="assessments_actions_create",
        summary="Add an action to the plan under the assessment's theme",
        description="As the report's plan (action_save): the assessment submitted and its "
        "theme chosen; the owner a person of the organization; due no earlier than the quarter.",
        request=ActionWriteSerializer,
        responses={201: ActionSerializer, **errors(400, 403, 404)},
    )
    def post(self, request, pk: int):
        assessment = managed_assessment(request, pk)
        serializer = ActionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted, people, refused = _wanted(assessment, serializer.validated_data)
        if refused:
            return refused
        action = plan_services.action_save(
            assessment=assessment,
            user=request.user,
            wanted=wanted,
            people_ids={person.pk for person in people},
        )
        return Response(documents.action_item(action), status=status.HTTP_201_CREATED)


class AssessmentAction(ApiView):
    serializer_class = ActionWriteSerializer

    @extend_schema(
        operation_id="assessments_actions_partial_update",
        summary="Change an action (status, owner, due date, title)",
        request=ActionWriteSerializer(partial=True),
        responses={200: ActionSerializer, **errors(400, 403, 404)},
    )
    def patch(self, request, pk: int, action_pk: int):
        assessment = managed_assessment(request, pk)
        action = get_object_or_404(selectors.actions_of(assessment), pk=action_pk)
        serializer = ActionWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        base = ActionInput(
            title=action.title,
            owner=action.owner,
            owner_name=action.owner_name,
            due_date=action.due_date,
            status=action.status,
        )
        wanted, people, refused = _wanted(assessment, serializer.validated_data, base=base)
        if refused:
            return refused
        saved = plan_services.action_save(
            assessment=assessment,
            user=request.user,
            wanted=wanted,
            people_ids={person.pk for person in people},
            action=action,
        )
        return Response(documents.action_item(saved))


class AssessmentMetrics(ApiView):
    serializer_class = MetricsSerializer

    @extend_schema(
        operation_id="assessments_metrics_update",
        summary="Record the outcome figures of the assessment's quarter",
        description="As the wizard's figures step (metrics_save): a figure left out stays as "
        "it was, null clears it.",
        request=MetricsSerializer,
        responses={200: MetricsSerializer, **errors(400, 403, 404)},
    )
    def put(self, request, pk: int):
        assessment = managed_assessment(request, pk)
        wanted = MetricsSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        values = dict(wanted.validated_data)
        row = plan_reads.metrics_by_quarter_of(assessment.team_id, assessment.period)
        # As the wizard's figures step: nothing sent and nothing recorded writes nothing.
        if row is not None or any(value is not None for value in values.values()):
            row = plan_services.metrics_save(
                team=assessment.team, period=assessment.period, user=request.user, values=values
            )
        figures = {field: getattr(row, field) if row else None for field in METRIC_RULES}
        return Response(MetricsSerializer(figures).data)
