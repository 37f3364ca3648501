from django.db import migrations, models


class Migration(migrations.Migration):
    """Placement notifications look the placed child up in national returns by date of birth."""

    dependencies = [
        ("returns", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["date_of_birth"], name="person_by_birth_date"),
        ),
    ]
