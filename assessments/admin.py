"""Django admin: keep the model's wording right without rewriting what was already asked.

Once a model version is published (or has a submitted assessment) its structure is frozen:
dimensions, questions, bands and scale values can no longer be added, removed or re-ordered, and
the names past reports print (dimension names, band labels, the version's title and credit) are
fixed. Question wording (answers keep the text as asked), guidance, dimension descriptions and the
scale legend stay editable. Structural changes go into a new draft version (the
"duplicate" action), which is published when ready.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from assessments import services
from assessments.models import (
    Answer,
    Assessment,
    Band,
    Dimension,
    MaturityModel,
    Organization,
    Question,
    ScaleLevel,
    Team,
)


def _is_frozen(request: HttpRequest, model: MaturityModel | None) -> bool:
    """Cached per request: every inline of a change page asks the same question."""
    if model is None or model.pk is None:
        return False
    cache = request.__dict__.setdefault("_frozen_models", {})
    if model.pk not in cache:
        cache[model.pk] = model.is_structure_frozen
    return cache[model.pk]


class FreezableInline(admin.TabularInline):
    """An inline whose rows are fixed, and some fields read-only, once the version is frozen."""

    extra = 0
    structural_fields: tuple[str, ...] = ()

    def _frozen(self, request: HttpRequest, obj) -> bool:
        return _is_frozen(request, self.owning_model(obj))

    def owning_model(self, obj) -> MaturityModel | None:
        return obj

    def get_readonly_fields(self, request, obj=None):
        if self._frozen(request, obj):
            return self.structural_fields
        return ()

    def has_add_permission(self, request, obj=None):
        return not self._frozen(request, obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(request, obj) and super().has_delete_permission(request, obj)


class DimensionInline(FreezableInline):
    model = Dimension
    fields = ("order", "code", "name", "description", "edit_questions")
    readonly_fields = ("edit_questions",)
    structural_fields = ("order", "code", "name")  # past reports show the name
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "edit_questions")

    @admin.display(description="Questions")
    def edit_questions(self, dimension: Dimension) -> str:
        if not dimension.pk:
            return "Save first, then add questions."
        url = reverse("admin:assessments_dimension_change", args=[dimension.pk])
        return format_html('<a href="{}">Edit questions and guidance</a>', url)


class BandInline(FreezableInline):
    model = Band
    fields = ("min_total", "max_total", "label", "tone")
    structural_fields = ("min_total", "max_total", "label", "tone")


class ScaleLevelInline(FreezableInline):
    model = ScaleLevel
    fields = ("value", "label")
    structural_fields = ("value",)


@admin.register(MaturityModel)
class MaturityModelAdmin(admin.ModelAdmin):
    list_display = ("title", "version", "code", "status", "published_at", "structure")
    list_filter = ("status",)
    inlines = (DimensionInline, BandInline, ScaleLevelInline)
    actions = ("duplicate_as_draft", "publish")
    readonly_fields = ("status", "published_at", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if _is_frozen(request, obj):
            return (*self.readonly_fields, "code", "version", "title", "source_credit")
        return self.readonly_fields

    @admin.display(description="Structure")
    def structure(self, model: MaturityModel) -> str:
        return "Frozen (in use)" if model.is_structure_frozen else "Editable (draft)"

    @admin.action(description="Duplicate as new draft version")
    def duplicate_as_draft(self, request, queryset):
        for source in queryset:
            copy = services.model_version_duplicate(source=source)
            self.message_user(
                request,
                f"Created draft {copy.version} from {source.version}: change its structure there, "
                "then publish it.",
                messages.SUCCESS,
            )

    @admin.action(description="Publish (new assessments will use the latest published version)")
    def publish(self, request, queryset):
        for model in queryset:
            try:
                services.model_version_publish(model=model)
            except services.ModelVersionError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Published {model}.", messages.SUCCESS)


class QuestionInline(FreezableInline):
    model = Question
    fields = ("order", "code", "text", "guidance")
    structural_fields = ("order", "code")

    def owning_model(self, obj):
        return obj.model if obj else None


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "model", "order")
    list_filter = ("model",)
    list_select_related = ("model",)
    inlines = (QuestionInline,)

    def get_readonly_fields(self, request, obj=None):
        if obj and _is_frozen(request, obj.model):
            return ("model", "code", "order", "name")
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj and _is_frozen(request, obj.model):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, where the version allows it
        return actions

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _open_versions().exists()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "model" in form.base_fields:
            form.base_fields["model"].queryset = _open_versions()
        return form


def _open_versions():
    """Versions whose structure may still change: drafts nobody has submitted against."""
    frozen = MaturityModel.objects.filter(assessments__status=Assessment.Status.SUBMITTED)
    return MaturityModel.objects.filter(status=MaturityModel.Status.DRAFT).exclude(pk__in=frozen)


class TeamInline(admin.TabularInline):
    model = Team
    fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("consultants",)
    inlines = (TeamInline,)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organization")
    list_filter = ("organization",)
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("leads",)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "score", "note", "asked_text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
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
