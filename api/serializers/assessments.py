"""Assessments: the list, the document of one (json_format's, with ids), and the writes."""

from __future__ import annotations

from rest_framework import serializers

from assessments.forms import ContextForm
from assessments.imports import NOTE_LENGTH
from assessments.models import Assessment
from assessments.periods import Quarter
from catalogue.scoring import MAX_SCORE, MIN_SCORE

QUARTERS = (1, 4)
YEARS = (2000, 2100)  # as the import accepts


# --- Reads ----------------------------------------------------------------------------------


class DimensionTotalSerializer(serializers.Serializer):
    code = serializers.CharField()
    total = serializers.IntegerField(allow_null=True, help_text="Null until fully answered.")
    max_total = serializers.IntegerField()
    band = serializers.CharField(allow_null=True)
    answered = serializers.IntegerField()


class AssessmentListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.CharField(help_text="The organization's slug.")
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    model_version = serializers.CharField()
    status = serializers.ChoiceField(choices=Assessment.Status.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    overall_total = serializers.IntegerField(allow_null=True)
    max_overall = serializers.IntegerField()
    dimensions = DimensionTotalSerializer(many=True)


class DocumentDimensionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField(allow_null=True)
    max_total = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(allow_null=True)


class RespondentSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="User name, or an opaque id when anonymous.")
    kind = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class RespondentsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    anonymous = serializers.BooleanField()
    people = RespondentSerializer(many=True)


class AnswerReadSerializer(serializers.Serializer):
    question = serializers.CharField()
    score = serializers.IntegerField(allow_null=True, help_text="The agreed score.")
    note = serializers.CharField(allow_blank=True)
    spread = serializers.IntegerField(allow_null=True, help_text="Highest minus lowest score.")
    median = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=serializers.IntegerField())
    agreed_by_lead = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class TargetSerializer(serializers.Serializer):
    target = serializers.IntegerField(allow_null=True)
    right_for_stage = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class ThemeReadSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    questions = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(allow_blank=True)
    chosen_by = serializers.CharField(allow_blank=True)
    chosen_at = serializers.DateTimeField(allow_null=True)


class ActionReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    owner = serializers.CharField(allow_blank=True)
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class PlanReadSerializer(serializers.Serializer):
    targets = serializers.DictField(child=TargetSerializer())
    theme = ThemeReadSerializer(allow_null=True)
    actions = ActionReadSerializer(many=True)
    metrics = serializers.DictField(child=serializers.FloatField())


class QuartilesSerializer(serializers.Serializer):
    lower_quartile = serializers.CharField()
    median = serializers.CharField()
    upper_quartile = serializers.CharField()


class PeerBenchmarkSerializer(serializers.Serializer):
    cohort = serializers.CharField()
    description = serializers.CharField()
    dimensions = serializers.DictField(child=QuartilesSerializer())


class ContextReadSerializer(serializers.Serializer):
    company_stage = serializers.CharField(allow_blank=True)
    customer_segment = serializers.CharField(allow_blank=True)
    touch_model = serializers.CharField(allow_blank=True)
    onboarding_weeks = serializers.IntegerField(allow_null=True)


class AssessmentDocumentSerializer(serializers.Serializer):
    """The JSON export's document (assessments/exports/json_format.py) with ids and context."""

    id = serializers.IntegerField()
    team_id = serializers.IntegerField()
    organization = serializers.CharField()
    organization_slug = serializers.CharField()
    team = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    model_version = serializers.CharField()
    status = serializers.ChoiceField(choices=Assessment.Status.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    context = ContextReadSerializer()
    dimensions = DocumentDimensionSerializer(many=True)
    overall_total = serializers.IntegerField(allow_null=True)
    max_overall = serializers.IntegerField(allow_null=True)
    respondents = RespondentsSerializer()
    answers = AnswerReadSerializer(many=True)
    plan = PlanReadSerializer()
    peer_benchmark = PeerBenchmarkSerializer(allow_null=True)


# --- Filters --------------------------------------------------------------------------------


class AssessmentFilterSerializer(serializers.Serializer):
    organization = serializers.SlugField(required=False, help_text="An organization's slug.")
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    year = serializers.IntegerField(required=False, min_value=YEARS[0], max_value=YEARS[1])
    quarter = serializers.IntegerField(required=False, min_value=QUARTERS[0], max_value=QUARTERS[1])
    status = serializers.ChoiceField(required=False, choices=Assessment.Status.choices)


# --- Writes ---------------------------------------------------------------------------------


class AssessmentStartSerializer(serializers.Serializer):
    team = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="A team's id.")
    year = serializers.IntegerField(min_value=YEARS[0], max_value=YEARS[1])
    quarter = serializers.IntegerField(min_value=QUARTERS[0], max_value=QUARTERS[1])

    def validate(self, attrs):
        attrs["period"] = Quarter(attrs["year"], attrs["quarter"])
        return attrs


class NoteField(serializers.CharField):
    """As the wizard's note: at most NOTE_LENGTH characters, a line break counted as one."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, trim_whitespace=True, max_length=NOTE_LENGTH, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.replace("\r\n", "\n").replace("\r", "\n")
        return super().to_internal_value(data)


class ShownAnswerSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        min_value=MIN_SCORE, max_value=MAX_SCORE, allow_null=True, required=False
    )
    note = NoteField(required=False)


class AnswerWriteSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=10, help_text="A question code, e.g. CX-4.")
    score = serializers.IntegerField(
        min_value=MIN_SCORE,
        max_value=MAX_SCORE,
        required=False,
        allow_null=True,
        help_text="1 to 5; left out or null keeps the saved score (a score cannot be cleared).",
    )
    note = NoteField(required=False, allow_null=True, help_text="Left out or null keeps it.")
    shown = ShownAnswerSerializer(
        required=False,
        help_text="What your copy showed before this change (score and/or note). If someone "
        "else changed it since, nothing is saved and the answer is 409 with both values.",
    )


class AnswersWriteSerializer(serializers.Serializer):
    answers = AnswerWriteSerializer(many=True, allow_empty=True, max_length=100)
    confirm_carried = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        max_length=100,
        help_text="Question codes whose answers carried from an earlier quarter you checked.",
    )

    def validate_answers(self, answers):
        codes = [answer["question"] for answer in answers]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise serializers.ValidationError(f"Each question once: {', '.join(repeated)}.")
        return answers


_WEEKS = ContextForm.base_fields["onboarding_weeks"]


def _choice(field: str) -> serializers.ChoiceField:
    choices = Assessment._meta.get_field(field).choices
    return serializers.ChoiceField(choices=[("", "Not specified"), *choices], required=False)


class ContextShownSerializer(serializers.Serializer):
    company_stage = _choice("company_stage")
    customer_segment = _choice("customer_segment")
    touch_model = _choice("touch_model")
    onboarding_weeks = serializers.IntegerField(
        min_value=_WEEKS.min_value, max_value=_WEEKS.max_value, allow_null=True, required=False
    )


class ContextWriteSerializer(ContextShownSerializer):
    """The wizard's context step; "" (or null for weeks) clears a field."""

    shown = ContextShownSerializer(
        required=False, help_text="What your copy showed, per field: for the conflict check."
    )


class SubmitSerializer(serializers.Serializer):
    seen_responses = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=1000,
        help_text="The response ids your review counted: if others count now, nothing is "
        "submitted (409).",
    )
