from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """A team's quarterly assessments: the wizard, reports, imports and exports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Onboarding maturity"
