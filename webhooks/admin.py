"""Read-only views of endpoints and deliveries for platform staff; the secret never shows."""

from django.contrib import admin

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "organization", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "organization__name")
    exclude = ("secret",)
    readonly_fields = ("organization", "url", "events", "created_by", "created_at")

    def has_add_permission(self, request) -> bool:
        return False  # registered on the organization's page, where the URL is checked


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "status_code", "error", "duration_ms")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "created_at")
    list_filter = ("status", "event")
    readonly_fields = (
        "endpoint",
        "event",
        "event_id",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
    )
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False
