from __future__ import annotations

from django.contrib import admin

from organizations.models import Organization, Team


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
