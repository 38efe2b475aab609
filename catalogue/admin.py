"""Django admin: keep the model's wording right without rewriting what was already asked.

Once a model version is frozen (published, or submitted against) its structure is fixed:
dimensions, questions, bands and scale values can no longer be added, removed or re-ordered, and
the names past reports print (dimension names, band labels, the version's title and credit)
stay as they are. Question wording (answers keep the text as asked), guidance, dimension
descriptions and the scale legend stay editable. Structural changes go into a new draft version
(the "duplicate" action), which is published when ready. The rule itself lives in
catalogue.models (is_structure_frozen) and catalogue.services, which refuse what admin hides.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from catalogue import services
from catalogue.models import Band, Dimension, MaturityModel, Question, ScaleLevel


def _is_frozen(model: MaturityModel | None) -> bool:
    return model is not None and model.pk is not None and model.is_structure_frozen


class StructureAdminMixin:
    """Saves and deletes through the catalogue services, so the freeze holds whatever is posted."""

    def save_model(self, request, obj, form, change):
        services.structure_part_save(part=obj)

    def delete_model(self, request, obj):
        services.structure_part_delete(part=obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.structure_part_delete(part=obj)
        for obj in instances:
            services.structure_part_save(part=obj)
        formset.save_m2m()

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except services.StructureFrozen as refused:  # frozen meanwhile; the transaction rolled back
            self.message_user(request, f"Nothing was saved: {refused}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class FreezableInline(admin.TabularInline):
    """An inline whose rows are fixed, and some fields read-only, once the version is frozen."""

    extra = 0

    def owning_model(self, obj) -> MaturityModel | None:
        return obj

    def _frozen(self, obj) -> bool:
        return _is_frozen(self.owning_model(obj))

    def get_readonly_fields(self, request, obj=None):
        if self._frozen(obj):
            return tuple(f for f in self.model.STRUCTURAL_FIELDS if f in self.fields)
        return ()

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class DimensionInline(FreezableInline):
    model = Dimension
    fields = ("order", "code", "name", "description", "edit_questions")
    readonly_fields = ("edit_questions",)
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "edit_questions")

    @admin.display(description="Questions")
    def edit_questions(self, dimension: Dimension) -> str:
        if not dimension.pk:
            return "Save first, then add questions."
        url = reverse("admin:catalogue_dimension_change", args=[dimension.pk])
        return format_html('<a href="{}">Edit questions and guidance</a>', url)


class BandInline(FreezableInline):
    model = Band
    fields = ("min_total", "max_total", "label", "tone")


class ScaleLevelInline(FreezableInline):
    model = ScaleLevel
    fields = ("value", "label")


@admin.register(MaturityModel)
class MaturityModelAdmin(StructureAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "version", "code", "status", "published_at", "structure")
    list_filter = ("status",)
    inlines = (DimensionInline, BandInline, ScaleLevelInline)
    actions = ("duplicate_as_draft", "publish")
    readonly_fields = ("status", "published_at", "created_at", "in_use_since")

    def get_readonly_fields(self, request, obj=None):
        if _is_frozen(obj):
            return (*self.readonly_fields, *MaturityModel.STRUCTURAL_FIELDS)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, where the version allows it
        return actions

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

    def owning_model(self, obj):
        return obj.model if obj else None


@admin.register(Dimension)
class DimensionAdmin(StructureAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "model", "order")
    list_filter = ("model",)
    list_select_related = ("model",)
    inlines = (QuestionInline,)

    def get_readonly_fields(self, request, obj=None):
        if obj and _is_frozen(obj.model):
            return Dimension.STRUCTURAL_FIELDS
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj and _is_frozen(obj.model):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, where the version allows it
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        open_versions = MaturityModel.objects.open_for_structure_changes()
        return super().has_add_permission(request) and open_versions.exists()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "model" in form.base_fields:
            form.base_fields["model"].queryset = MaturityModel.objects.open_for_structure_changes()
        return form
