"""Django admin: keep the model's wording right without rewriting what was already asked.

Once a model version is frozen (published, or submitted against) its structure is fixed:
dimensions, questions, bands and scale values can no longer be added, removed or re-ordered, and
the names past reports print (dimension names, band labels, the version's title and credit)
stay as they are. Question wording (answers keep the text as asked), guidance, dimension
descriptions and the scale legend stay editable. Structural changes go into a new draft version
(the "duplicate" action), which is published when ready. The rule itself lives in
catalogue.models (is_structure_frozen) and catalogue.services, which refuse what admin hides.

Recommendations are wording, not structure: they stay editable (and can be added or removed)
on any version, frozen or not. A recommendation's version and key are its natural key, which
install_model matches the shipped library against, so they are fixed once it exists.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from catalogue import services
from catalogue.models import (
    Band,
    BandTranslation,
    Dimension,
    DimensionTranslation,
    MaturityModel,
    Question,
    QuestionTranslation,
    Recommendation,
    ScaleLevel,
    ScaleLevelTranslation,
)

TRANSLATIONS = (DimensionTranslation, QuestionTranslation, BandTranslation, ScaleLevelTranslation)


def _is_frozen(model: MaturityModel | None) -> bool:
    return model is not None and model.pk is not None and model.is_structure_frozen


class StructureAdminMixin:
    """Saves and deletes through the catalogue services, so the freeze holds whatever is posted."""

    def save_model(self, request, obj, form, change):
        services.structure_part_save(part=obj)

    def delete_model(self, request, obj):
        services.structure_part_delete(part=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model in TRANSLATIONS:  # wording, not structure: editable on any version
            return super().save_formset(request, form, formset, change)
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


# Wording is long: two textareas side by side, wide enough to read, without pushing the
# guidance column off a 1280 px screen (Django's default is 40 columns by 10 rows each).
QUESTION_WIDGETS = {
    "text": forms.Textarea(attrs={"rows": 3, "class": "question-text"}),
    "guidance": forms.Textarea(attrs={"rows": 4, "class": "question-guidance"}),
}


class CatalogueAdminMedia:
    css = {"all": ("css/admin-catalogue.css",)}


class QuestionInlineForm(forms.ModelForm):
    """A row of the dimension page's question table: its fields have only the column headings
    for labels, so each says which question it belongs to ("CX-4 guidance")."""

    LABELS = {"order": "order", "code": "code", "text": "wording", "guidance": "guidance"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.instance.code or "New question"
        for name, label in self.LABELS.items():
            if name in self.fields:
                self.fields[name].widget.attrs["aria-label"] = f"{code} {label}"


class QuestionInline(FreezableInline):
    model = Question
    form = QuestionInlineForm
    fields = ("order", "code", "text", "guidance")
    Media = CatalogueAdminMedia

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, widgets=QUESTION_WIDGETS, **kwargs)

    def owning_model(self, obj):
        return obj.model if obj else None


class TranslationInline(admin.StackedInline):
    """A version's wording in another language (the fixture ships English only). Where a
    field is left blank, or a language has no row, the source's wording shows."""

    extra = 0


class DimensionTranslationInline(TranslationInline):
    model = DimensionTranslation


class QuestionTranslationInline(TranslationInline):
    model = QuestionTranslation


@admin.register(Dimension)
class DimensionAdmin(StructureAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "model", "order")
    list_filter = ("model",)
    list_select_related = ("model",)
    inlines = (DimensionTranslationInline, QuestionInline)

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


class _ByDimension(admin.SimpleListFilter):
    """By dimension code across versions (a plain related filter lists each version's copy)."""

    title = "dimension"
    parameter_name = "dimension"

    def lookups(self, request, model_admin):
        names = Dimension.objects.order_by("order", "code").values_list("code", "name")
        return list(dict(names).items())

    def queryset(self, request, queryset):
        return queryset.filter(dimension__code=self.value()) if self.value() else queryset


@admin.register(Question)
class QuestionAdmin(StructureAdminMixin, SimpleHistoryAdmin):
    """Questions on their own, found from the admin index by code or wording. The same freeze
    as on the dimension page: once the version is frozen, only the wording is editable, and
    every save or delete goes through the catalogue services."""

    list_display = ("code", "short_text", "dimension_name", "model_version", "order")
    list_display_links = ("code", "short_text")
    list_filter = ("dimension__model", _ByDimension)
    list_select_related = ("dimension__model",)
    search_fields = ("code", "text", "guidance")
    ordering = ("dimension__model", "dimension__order", "order", "code")
    fields = ("dimension", "order", "code", "text", "guidance")
    inlines = (QuestionTranslationInline,)
    Media = CatalogueAdminMedia

    def get_readonly_fields(self, request, obj=None):
        if obj and _is_frozen(obj.dimension.model):
            return Question.STRUCTURAL_FIELDS
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj and _is_frozen(obj.dimension.model):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        open_versions = MaturityModel.objects.open_for_structure_changes()
        return super().has_add_permission(request) and open_versions.exists()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, where the version allows it
        return actions

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, widgets=QUESTION_WIDGETS, **kwargs)
        if "dimension" in form.base_fields:
            open_versions = MaturityModel.objects.open_for_structure_changes()
            form.base_fields["dimension"].queryset = Dimension.objects.filter(
                model__in=open_versions
            ).select_related("model")
        return form

    @admin.display(description="Question", ordering="text")
    def short_text(self, question: Question) -> str:
        return question.text if len(question.text) <= 90 else question.text[:89] + "…"

    @admin.display(description="Dimension", ordering="dimension__order")
    def dimension_name(self, question: Question) -> str:
        return question.dimension.name

    @admin.display(description="Model version", ordering="dimension__model")
    def model_version(self, question: Question) -> str:
        return str(question.dimension.model)


class _ByBand(admin.SimpleListFilter):
    title = "band"
    parameter_name = "band"

    def lookups(self, request, model_admin):
        bands = Band.objects.order_by("min_total").values_list("min_total", "max_total", "label")
        return list({str(low): f"{low}-{high} {label}" for low, high, label in bands}.items())

    def queryset(self, request, queryset):
        return queryset.filter(band__min_total=self.value()) if self.value() else queryset


class _PartOfVersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, part) -> str:
        return f"{part.version.version} {part}"


class RecommendationForm(forms.ModelForm):
    """Offers each part with its version, and keeps the dimension, band and question within the
    recommendation's version (and the question within its dimension)."""

    class Meta:
        model = Recommendation
        fields = ("model", "key", "dimension", "band", "question", "title", "detail", "order")
        field_classes = {
            "dimension": _PartOfVersionChoice,
            "band": _PartOfVersionChoice,
            "question": _PartOfVersionChoice,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version_id = self.instance.model_id
        parts = {
            "dimension": Dimension.objects.select_related("model"),
            "band": Band.objects.select_related("model"),
            "question": Question.objects.select_related("dimension__model"),
        }
        for name, queryset in parts.items():
            if version_id is not None:  # the version is fixed: offer only its parts
                lookup = "dimension__model_id" if name == "question" else "model_id"
                queryset = queryset.filter(**{lookup: version_id})
            self.fields[name].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("model") or (self.instance.model if self.instance.model_id else None)
        dimension, band, question = (cleaned.get(n) for n in ("dimension", "band", "question"))
        if version is None:
            return cleaned
        if dimension is not None and dimension.model_id != version.pk:
            self.add_error("dimension", f"Choose a dimension of {version}.")
        if band is not None and band.model_id != version.pk:
            self.add_error("band", f"Choose a band of {version}.")
        if question is not None and dimension is not None and question.dimension_id != dimension.pk:
            self.add_error("question", f"Choose a question of {dimension}, or none.")
        return cleaned


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    """The library leads adopt actions from: wording, so editable on every version."""

    form = RecommendationForm
    list_display = ("title", "dimension_code", "band_label", "question_code", "model", "order")
    list_filter = ("model", _ByDimension, _ByBand)
    list_select_related = ("model", "dimension", "band", "question")
    search_fields = ("title", "detail", "key")
    ordering = ("model", "dimension__order", "band__min_total", "order", "key")

    def get_readonly_fields(self, request, obj=None):
        return ("model", "key") if obj is not None else ()

    @admin.display(description="Dimension", ordering="dimension__order")
    def dimension_code(self, recommendation: Recommendation) -> str:
        return recommendation.dimension.code

    @admin.display(description="Band", ordering="band__min_total")
    def band_label(self, recommendation: Recommendation) -> str:
        return recommendation.band.label

    @admin.display(description="Question", ordering="question__order")
    def question_code(self, recommendation: Recommendation) -> str:
        return recommendation.question.code if recommendation.question else ""


@admin.register(BandTranslation)
class BandTranslationAdmin(admin.ModelAdmin):
    list_display = ("band", "language", "label")
    list_filter = ("band__model", "language")
    list_select_related = ("band__model",)


@admin.register(ScaleLevelTranslation)
class ScaleLevelTranslationAdmin(admin.ModelAdmin):
    list_display = ("scale_level", "language", "label")
    list_filter = ("scale_level__model", "language")
    list_select_related = ("scale_level__model",)
