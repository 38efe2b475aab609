"""The improvement loop's writes: theme, actions, the quarter's figures, targets."""

from __future__ import annotations

from rest_framework import serializers

from assessments.models import Action, OutcomeMetrics
from assessments.plan_models import TARGET_RANGE
from assessments.plan_services import METRIC_RULES, STAGE_REASON_MAX, WHOLE_NUMBER_METRICS


class ThemeWriteSerializer(serializers.Serializer):
    dimension = serializers.CharField(max_length=10, help_text="A dimension code, e.g. VO.")
    questions = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=50
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=STAGE_REASON_MAX)


class ActionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=Action._meta.get_field("title").max_length)
    owner = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=150,
        help_text="The user name of a person of the organization.",
    )
    owner_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="Or someone's name."
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Action.Status.choices, required=False)


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    owner = serializers.CharField(allow_null=True, help_text="User name, if the owner has one.")
    owner_name = serializers.CharField(allow_blank=True)
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()


def _metric_field(name: str) -> serializers.Field:
    label, low, high = METRIC_RULES[name]
    if name in WHOLE_NUMBER_METRICS:
        return serializers.IntegerField(
            min_value=low, max_value=high, allow_null=True, required=False, help_text=label
        )
    column = OutcomeMetrics._meta.get_field(name)
    return serializers.DecimalField(
        max_digits=column.max_digits,
        decimal_places=column.decimal_places,
        min_value=low,
        max_value=high,
        allow_null=True,
        required=False,
        help_text=label,
        coerce_to_string=False,
    )


class MetricsSerializer(serializers.Serializer):
    """The quarter's outcome figures; a figure left out stays, null clears it."""

    time_to_first_value_days = _metric_field("time_to_first_value_days")
    time_to_value_days = _metric_field("time_to_value_days")
    onboarding_duration_days = _metric_field("onboarding_duration_days")
    csat = _metric_field("csat")
    nps = _metric_field("nps")
    milestones_on_time_pct = _metric_field("milestones_on_time_pct")
    customers_onboarded = _metric_field("customers_onboarded")


class TargetWriteSerializer(serializers.Serializer):
    target = serializers.IntegerField(
        min_value=TARGET_RANGE[0], max_value=TARGET_RANGE[1], allow_null=True
    )
    right_for_stage = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=STAGE_REASON_MAX)


class TargetsWriteSerializer(serializers.Serializer):
    targets = serializers.DictField(
        child=TargetWriteSerializer(), help_text="Per dimension code (VO, CX, AO, MP)."
    )


class TargetsSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    targets = serializers.DictField(child=serializers.DictField())
