from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from organizations.logos import MAX_HEIGHT, MAX_WIDTH, cleaned_logo_field
from organizations.models import FirmProfile, Organization, SsoIdentity, Team

LOGO_HELP = (
    f"PNG or JPEG, at most 2 MB. Stored re-encoded, at most {MAX_WIDTH} x {MAX_HEIGHT} pixels, "
    "without metadata."
)
LOGO_WIDGET = forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class TeamInline(admin.TabularInline):
    model = Team
    fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0
    show_change_link = True


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = (
            "name",
            "slug",
            "consultants",
            "logo",
            "benchmark_opt_out",
            "sso_domains",
            "local_passwords_allowed",
        )
        widgets = {"logo": LOGO_WIDGET, "sso_domains": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"logo": LOGO_HELP}

    def clean_logo(self):
        return cleaned_logo_field(self.cleaned_data.get("logo"))


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    form = OrganizationForm
    list_display = ("name", "slug", "benchmark_opt_out")
    list_filter = ("benchmark_opt_out",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("consultants",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "consultants")}),
        ("Branding and benchmarks", {"fields": ("logo", "benchmark_opt_out")}),
        ("Single sign-on", {"fields": ("sso_domains", "local_passwords_allowed")}),
    )
    inlines = (TeamInline,)


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    """Who signed in by single sign-on, and who got an account that way (to assign them)."""

    list_display = ("email", "user", "organization", "created_at", "last_sign_in_at")
    list_filter = ("organization",)
    list_select_related = ("user", "organization")
    search_fields = ("email", "user__username", "subject")
    readonly_fields = ("user", "issuer", "subject", "email", "created_at", "last_sign_in_at")
    fields = (*readonly_fields, "organization")

    def has_add_permission(self, request) -> bool:
        return False  # made by signing in


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organization")
    list_filter = ("organization",)
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("leads",)


class FirmProfileForm(forms.ModelForm):
    class Meta:
        model = FirmProfile
        fields = ("name", "logo", "accent_colour", "contact_line")
        widgets = {"logo": LOGO_WIDGET}
        help_texts = {"logo": LOGO_HELP}

    def clean_logo(self):
        return cleaned_logo_field(self.cleaned_data.get("logo"))

    def clean_accent_colour(self) -> str:
        colour = self.cleaned_data["accent_colour"].strip()
        if not HEX_COLOUR.match(colour):
            raise ValidationError(
                "Give the colour as # and six hex digits, such as #0a4baf.", code="invalid"
            )
        return colour.lower()


@admin.register(FirmProfile)
class FirmProfileAdmin(admin.ModelAdmin):
    """One firm, one profile: adding is offered only while there is none."""

    form = FirmProfileForm
    list_display = ("name", "accent_colour", "updated_at")

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not FirmProfile.objects.exists()


# People and groups keep Django's own admin pages, with their change history beside them.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin, auth_admin.GroupAdmin):
    pass
