from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from simple_history.admin import SimpleHistoryAdmin

from organizations.models import Organization, Team


class TeamInline(admin.TabularInline):
    model = Team
    fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("consultants",)
    inlines = (TeamInline,)


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organization")
    list_filter = ("organization",)
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("leads",)


# People and groups keep Django's own admin pages, with their change history beside them.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin, auth_admin.GroupAdmin):
    pass
