from __future__ import annotations

from rest_framework import serializers

from organizations.models import Organization, Team

NAME_LENGTH = Organization._meta.get_field("name").max_length


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class OrganizationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_LENGTH)


class TeamSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "organization", "slug", "name"]
        read_only_fields = fields


class TeamCreateSerializer(serializers.Serializer):
    organization = serializers.SlugField(help_text="The organization's slug.")
    name = serializers.CharField(max_length=Team._meta.get_field("name").max_length)
