from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def approvals_given_an_end(apps, schema_editor):
    """Approvals given before approvals expired last as long as a new one would, from their decision."""
    AccessRequest = apps.get_model("linkage", "AccessRequest")
    for access in AccessRequest.objects.filter(status="approved", expires_at__isnull=True).only("decided_at"):
        access.expires_at = access.decided_at + timedelta(days=settings.LINKAGE_ACCESS_DAYS)
        access.save(update_fields=["expires_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("linkage", "0002_entity_indexes_without_duplicates"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessrequest",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(approvals_given_an_end, migrations.RunPython.noop),
    ]
