from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import selectors
from api.pagination import KeysetPagination
from api.serializers.catalogue import ModelVersionDetailSerializer, ModelVersionSerializer
from api.views.base import ApiView, errors, found


class ModelVersionList(ApiView):
    serializer_class = ModelVersionSerializer
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="model_versions_list",
        summary="Published and retired versions of the maturity model",
        responses={200: ModelVersionSerializer(many=True), **errors(404)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.model_versions())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ModelVersionDetail(ApiView):
    serializer_class = ModelVersionDetailSerializer

    @extend_schema(
        operation_id="model_versions_retrieve",
        summary="One version with its dimensions, questions, bands and scale",
        responses={200: ModelVersionDetailSerializer, **errors(404)},
    )
    def get(self, request, pk: int):
        return Response(self.get_serializer(found(selectors.model_version(pk))).data)
