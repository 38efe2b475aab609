from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api import selectors
from api.pagination import KeysetPagination
from api.permissions import PlatformAdminWrites, TokenScopeAllows
from api.serializers.organizations import (
    OrganizationCreateSerializer,
    OrganizationSerializer,
    TeamCreateSerializer,
    TeamSerializer,
)
from api.serializers.plan import TargetsSerializer, TargetsWriteSerializer
from api.views.base import ApiView, errors
from assessments import plan as plan_reads
from assessments import plan_services
from assessments.plan_services import TargetInput
from catalogue.selectors import model_structure
from organizations.selectors import organizations_consulted_by
from organizations.services import organization_create, team_create

ADMIN_WRITES = [IsAuthenticated, TokenScopeAllows, PlatformAdminWrites]


class OrganizationList(ApiView):
    serializer_class = OrganizationSerializer
    pagination_class = KeysetPagination
    permission_classes = ADMIN_WRITES

    @extend_schema(
        operation_id="organizations_list",
        summary="The organizations in which you may see at least one team",
        responses={200: OrganizationSerializer(many=True), **errors(404)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.organizations(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="organizations_create",
        summary="Create an organization (platform admins)",
        request=OrganizationCreateSerializer,
        responses={201: OrganizationSerializer, **errors(400, 403)},
    )
    def post(self, request):
        wanted = OrganizationCreateSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        organization = organization_create(name=wanted.validated_data["name"])
        return Response(OrganizationSerializer(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetail(ApiView):
    serializer_class = OrganizationSerializer

    @extend_schema(
        operation_id="organizations_retrieve",
        responses={200: OrganizationSerializer, **errors(404)},
    )
    def get(self, request, slug: str):
        organization = get_object_or_404(selectors.organizations(request.user), slug=slug)
        return Response(self.get_serializer(organization).data)


class TeamList(ApiView):
    serializer_class = TeamSerializer
    pagination_class = KeysetPagination
    permission_classes = ADMIN_WRITES

    @extend_schema(
        operation_id="teams_list",
        summary="The teams you may see",
        parameters=[
            OpenApiParameter("organization", str, description="Only this organization's (slug).")
        ],
        responses={200: TeamSerializer(many=True), **errors(404)},
    )
    def get(self, request):
        organization = request.query_params.get("organization")
        teams = selectors.teams(request.user, organization=organization)
        page = self.paginate_queryset(teams)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="teams_create",
        summary="Create a team in an organization (platform admins)",
        request=TeamCreateSerializer,
        responses={201: TeamSerializer, **errors(400, 403)},
    )
    def post(self, request):
        wanted = TeamCreateSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        organization = (
            organizations_consulted_by(request.user)
            .filter(slug=wanted.validated_data["organization"])
            .first()
        )
        if organization is None:
            return Response(
                {"organization": ["No organization has this slug."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        team = team_create(organization=organization, name=wanted.validated_data["name"])
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


class TeamDetail(ApiView):
    serializer_class = TeamSerializer

    @extend_schema(operation_id="teams_retrieve", responses={200: TeamSerializer, **errors(404)})
    def get(self, request, pk: int):
        team = get_object_or_404(selectors.teams(request.user), pk=pk)
        return Response(self.get_serializer(team).data)


class TeamTargets(ApiView):
    serializer_class = TargetsWriteSerializer

    @extend_schema(
        operation_id="teams_targets_update",
        summary="Set the team's target and 'right for our stage' mark per dimension",
        description="As the team page's targets form (plan_services.targets_save): a target is "
        "a dimension total from 5 to 25, or null for none; a stage mark needs a reason.",
        request=TargetsWriteSerializer,
        responses={200: TargetsSerializer, **errors(400, 403, 404)},
    )
    def put(self, request, pk: int):
        team = get_object_or_404(selectors.teams(request.user), pk=pk)
        wanted = TargetsWriteSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        model = selectors.team_model(team)
        codes = [dim.code for dim in model_structure(model).dimensions.all()] if model else []
        changed = plan_services.targets_save(
            team=team,
            user=request.user,
            targets={
                code: TargetInput(
                    target=value["target"],
                    for_stage=value.get("right_for_stage", False),
                    reason=value.get("reason", ""),
                )
                for code, value in wanted.validated_data["targets"].items()
            },
            codes=codes,
        )
        targets = {
            code: {
                "target": row.target_total,
                "right_for_stage": row.right_for_stage,
                "reason": row.stage_reason,
            }
            for code, row in sorted(plan_reads.targets_of(team).items())
        }
        return Response({"changed": changed, "targets": targets})
