import django.db.models.deletion
from django.db import migrations, models


def from_the_returns(apps, schema_editor):
    """Accepted and duplicate attempts already name their return, which says the force and period.
    A rejected attempt from before this migration stays unknown: its file was never stored as records."""
    Submission = apps.get_model("returns", "Submission")
    attempts = Submission.objects.filter(national_return__isnull=False, force__isnull=True).select_related(
        "national_return")
    for submission in attempts.iterator(chunk_size=500):
        national_return = submission.national_return
        submission.force_id = national_return.force_id
        submission.period_start, submission.period_end = national_return.period_start, national_return.period_end
        submission.save(update_fields=["force", "period_start", "period_end"])


class Migration(migrations.Migration):

    dependencies = [
        ("reference", "0001_initial"),
        ("returns", "0002_person_by_birth_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="force",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="reference.policeforce"),
        ),
        migrations.AddField(
            model_name="submission",
            name="period_end",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="submission",
            name="period_start",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(fields=["force", "period_start", "period_end"], name="submission_by_period"),
        ),
        migrations.RunPython(from_the_returns, migrations.RunPython.noop),
    ]
