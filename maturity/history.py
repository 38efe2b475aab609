"""The audit trail's starting point (django-simple-history): a "+" record for each row that
existed before its model was tracked, so the first change after it shows what it was before."""

from __future__ import annotations

from django.utils import timezone

BASELINE_REASON = "as it was when the audit trail started"


def baseline_history(apps, models: list[tuple[str, str]], history_app: str | None = None) -> None:
    """For data migrations: copy every row of each (app_label, ModelName) into its history.

    Works on the migration's own (historical) models, so it keeps working whatever later
    migrations change. Many-to-many snapshots start with the first change after this.
    """
    now = timezone.now()
    for app_label, model_name in models:
        model = apps.get_model(app_label, model_name)
        history = apps.get_model(history_app or app_label, f"Historical{model_name}")
        tracked = {field.attname for field in history._meta.concrete_fields}
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in tracked]
        history.objects.bulk_create(
            (
                history(
                    **{name: getattr(row, name) for name in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason=BASELINE_REASON,
                )
                for row in model.objects.iterator(chunk_size=1000)
            ),
            batch_size=1000,
        )
