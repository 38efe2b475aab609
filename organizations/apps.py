from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Organizations, their teams, and who may see what (and sign in)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = "Organizations and teams"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from organizations.two_factor import code_owed_at_sign_in

        user_logged_in.connect(code_owed_at_sign_in, dispatch_uid="two_factor_code_owed")
