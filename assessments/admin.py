"""Assessments in admin: read-mostly; answers come from the wizard or an import."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import Answer, Assessment


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "score", "note", "asked_text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    """Read-mostly: answers come from the wizard or an import, never typed in here."""

    list_display = ("team", "period_label", "model", "status", "submitted_at", "submitted_by")
    list_filter = ("status", "model", "year", "quarter", "team__organization")
    list_select_related = ("team__organization", "model", "submitted_by")
    search_fields = ("team__name", "team__organization__name")
    inlines = (AnswerInline,)
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
