from django.apps import AppConfig


class MaturityConfig(AppConfig):
    """The project itself: settings, URLs and the request log's extras. No models."""

    name = "maturity"
    verbose_name = "Onboarding maturity project"

    def ready(self) -> None:
        from maturity import request_log  # noqa: F401  (connects the receivers)
