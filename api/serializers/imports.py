from __future__ import annotations

from rest_framework import serializers


class ImportedAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()


class ImportResultSerializer(serializers.Serializer):
    summary = serializers.CharField()
    assessments = ImportedAssessmentSerializer(many=True)
    organizations_created = serializers.ListField(child=serializers.CharField())
    teams_created = serializers.ListField(child=serializers.CharField())


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()
    text = serializers.CharField(help_text="As the browser shows it: line, column, message.")


class ImportRejectedSerializer(serializers.Serializer):
    """A refused file names its problems; a refused request (a bad header) its fields."""

    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    problems = ImportProblemSerializer(many=True, required=False)
