from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Onboarding maturity"

    def ready(self) -> None:
        from assessments import signals  # noqa: F401  (connects the receivers)
