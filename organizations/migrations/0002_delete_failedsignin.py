# Sign-in throttling moved to django-axes (organizations/throttle.py): its records of failed
# sign-ins are no longer kept here. They only ever held the last 15 minutes, so none is copied.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0001_initial'),
        # After the model moved here from the assessments app (which created the table):
        # migrating back past the move recreates the table before the move is undone.
        ('assessments', '0006_move_catalogue_and_organizations'),
    ]

    operations = [
        migrations.DeleteModel(
            name='FailedSignIn',
        ),
    ]
