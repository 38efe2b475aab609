from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """The maturity model as versioned data: versions, dimensions, questions, bands, scale."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "catalogue"
    verbose_name = "Maturity model catalogue"

    def ready(self) -> None:
        from catalogue import signals  # noqa: F401  (connects the receivers)
