from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Why a request was refused; nothing was saved."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
