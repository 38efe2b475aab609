"""Versions already submitted against are in use: record since when (the freeze rule reads it)."""

from django.db import migrations
from django.db.models import Min


def mark_in_use(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    MaturityModel = apps.get_model("catalogue", "MaturityModel")
    first_submissions = (
        Assessment.objects.filter(status="submitted")
        .values("model_id")
        .annotate(first=Min("submitted_at"))
    )
    for row in first_submissions:
        MaturityModel.objects.filter(pk=row["model_id"]).update(in_use_since=row["first"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_move_catalogue_and_organizations"),
        ("catalogue", "0002_in_use_since"),
    ]

    operations = [migrations.RunPython(mark_in_use, migrations.RunPython.noop)]
