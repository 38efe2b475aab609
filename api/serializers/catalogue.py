from __future__ import annotations

from rest_framework import serializers

from catalogue.models import MaturityModel


class ModelVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaturityModel
        fields = ["id", "code", "version", "title", "status", "source_credit", "published_at"]
        read_only_fields = fields


class QuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    order = serializers.IntegerField()
    text = serializers.CharField()
    guidance = serializers.CharField(allow_blank=True)


class DimensionSerializer(serializers.Serializer):
    code = serializers.CharField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    questions = QuestionSerializer(many=True, source="questions.all")


class BandSerializer(serializers.Serializer):
    min_total = serializers.IntegerField()
    max_total = serializers.IntegerField()
    label = serializers.CharField()
    tone = serializers.CharField()


class ScaleLevelSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class ModelVersionDetailSerializer(ModelVersionSerializer):
    """A version with its structure (model_with_structure prefetches all of it)."""

    dimensions = DimensionSerializer(many=True, source="dimensions.all", read_only=True)
    bands = BandSerializer(many=True, source="bands.all", read_only=True)
    scale = ScaleLevelSerializer(many=True, source="scale.all", read_only=True)

    class Meta(ModelVersionSerializer.Meta):
        fields = [*ModelVersionSerializer.Meta.fields, "dimensions", "bands", "scale"]
        read_only_fields = fields
