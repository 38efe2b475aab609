"""The catalogue and organization models leave this app for their own apps, data untouched.

Tables keep their names (the models set db_table), so the database changes in nothing but the
content types' app label, which keeps admin history and permissions pointing at them.
"""

import django.db.models.deletion
from django.db import migrations, models


MOVED = {
    "catalogue": ("maturitymodel", "dimension", "question", "band", "scalelevel"),
    "organizations": ("organization", "team", "failedsignin"),
}


def relabel_content_types(apps, schema_editor, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models_ in MOVED.items():
        old, new = ("assessments", app_label) if forward else (app_label, "assessments")
        for model in models_:
            if not ContentType.objects.filter(app_label=new, model=model).exists():
                ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def relabel_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0005_model_structure_version'),
        ('catalogue', '0001_initial'),
        ('organizations', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='band',
                name='model',
            ),
            migrations.RemoveField(
                model_name='dimension',
                name='model',
            ),
            migrations.RemoveField(
                model_name='question',
                name='dimension',
            ),
            migrations.DeleteModel(
                name='FailedSignIn',
            ),
            migrations.AlterField(
                model_name='assessment',
                name='model',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='catalogue.maturitymodel'),
            ),
            migrations.RemoveField(
                model_name='scalelevel',
                name='model',
            ),
            migrations.RemoveField(
                model_name='organization',
                name='consultants',
            ),
            migrations.RemoveField(
                model_name='team',
                name='organization',
            ),
            migrations.AlterField(
                model_name='answer',
                name='question',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='answers', to='catalogue.question'),
            ),
            migrations.RemoveField(
                model_name='team',
                name='leads',
            ),
            migrations.AlterField(
                model_name='assessment',
                name='team',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='organizations.team'),
            ),
            migrations.DeleteModel(
                name='Band',
            ),
            migrations.DeleteModel(
                name='Dimension',
            ),
            migrations.DeleteModel(
                name='MaturityModel',
            ),
            migrations.DeleteModel(
                name='ScaleLevel',
            ),
            migrations.DeleteModel(
                name='Organization',
            ),
            migrations.DeleteModel(
                name='Question',
            ),
            migrations.DeleteModel(
                name='Team',
            ),
            ],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
    ]
