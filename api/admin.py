from django.contrib import admin

from api.models import PersonalAccessToken


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    """Admins see and may revoke tokens; nobody creates one here (it would never be shown)."""

    list_display = ("name", "user", "prefix", "scope", "created_at", "expires_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = (
        *("user", "name", "prefix", "scope"),
        *("created_at", "expires_at", "last_used_at"),
    )
    exclude = ("digest",)

    def has_add_permission(self, request) -> bool:
        return False
