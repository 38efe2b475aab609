from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Organizations, their teams, and who may see what (and sign in)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = "Organizations and teams"
