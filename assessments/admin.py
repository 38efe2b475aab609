"""Assessments and their improvement plans in admin: read-mostly.

Answers come from the wizard or an import; targets, themes, actions and outcome figures from the
report and team pages, which check them (targets within 5-25, an action's owner from the team's
organization, figures within range). Admin shows them and their history, and may remove a
mistaken row, but never adds or edits one past those checks.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import (
    Action,
    Answer,
    Assessment,
    DimensionTarget,
    OutcomeMetrics,
    ReminderSent,
)
from assessments.periods import Quarter


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "score", "note", "asked_text", "carried_from")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ActionInline(admin.TabularInline):
    model = Action
    fields = ("title", "owner_label", "due_date", "status", "recommendation")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    """Read-mostly: answers come from the wizard or an import, never typed in here."""

    list_display = ("team", "period_label", "model", "status", "submitted_at", "submitted_by")
    list_filter = ("status", "model", "year", "quarter", "team__organization")
    list_select_related = ("team__organization", "model", "submitted_by")
    search_fields = ("team__name", "team__organization__name")
    inlines = (AnswerInline, ActionInline)
    readonly_fields = (
        "team",
        "year",
        "quarter",
        "model",
        "status",
        "company_stage",
        "customer_segment",
        "touch_model",
        "onboarding_weeks",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "theme_dimension",
        "theme_questions",
        "theme_reason",
        "theme_chosen_by",
        "theme_chosen_at",
    )

    @admin.display(description="Quarter", ordering="year")
    def period_label(self, assessment: Assessment) -> str:
        return assessment.period.label

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would bypass the per-object rule
        return actions

    def has_delete_permission(self, request, obj=None):
        # A mistaken draft may go; a submitted assessment is history and stays.
        if obj is not None and obj.is_submitted:
            return False
        return super().has_delete_permission(request, obj)


class ReadMostlyAdmin(SimpleHistoryAdmin):
    """Every field read-only and nothing added here: the app's pages validate these rows."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False


@admin.register(DimensionTarget)
class DimensionTargetAdmin(ReadMostlyAdmin):
    list_display = (
        "team",
        "dimension_code",
        "target_total",
        "right_for_stage",
        "stage_reason",
        "updated_by",
        "updated_at",
    )
    list_filter = ("team__organization", "team", "dimension_code", "right_for_stage")
    list_select_related = ("team__organization", "updated_by")
    search_fields = ("team__name", "team__organization__name", "stage_reason")


@admin.register(Action)
class ActionAdmin(ReadMostlyAdmin):
    list_display = ("title", "team", "theme_quarter", "status", "owner_label", "due_date")
    list_filter = ("status", "assessment__team__organization", "assessment__team")
    list_select_related = ("assessment__team__organization", "owner")
    search_fields = ("title", "owner_name", "assessment__team__name")

    @admin.display(description="Team", ordering="assessment__team__name")
    def team(self, action: Action) -> str:
        return str(action.assessment.team)

    @admin.display(description="Theme chosen in", ordering="assessment__year")
    def theme_quarter(self, action: Action) -> str:
        return action.assessment.period.label

    @admin.display(description="Owner")
    def owner_label(self, action: Action) -> str:
        return action.owner_label


@admin.register(OutcomeMetrics)
class OutcomeMetricsAdmin(ReadMostlyAdmin):
    list_display = (
        "team",
        "period_label",
        "time_to_first_value_days",
        "time_to_value_days",
        "onboarding_duration_days",
        "csat",
        "nps",
        "milestones_on_time_pct",
        "customers_onboarded",
    )
    list_filter = ("team__organization", "team", "year", "quarter")
    list_select_related = ("team__organization",)
    search_fields = ("team__name", "team__organization__name")

    @admin.display(description="Quarter", ordering="year")
    def period_label(self, metrics: OutcomeMetrics) -> str:
        return Quarter(metrics.year, metrics.quarter).label


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """Read-only: removing a row would let send_reminders send that reminder again."""

    list_display = ("kind", "key", "recipient", "sent_at")
    list_filter = ("kind",)
    search_fields = ("key", "recipient")
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
