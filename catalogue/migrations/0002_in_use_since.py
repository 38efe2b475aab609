from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="maturitymodel",
            name="in_use_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
