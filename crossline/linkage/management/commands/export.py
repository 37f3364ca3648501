"""`crossline export entities --out FILE.csv`: every force reference and the entity it is in."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.linkage.exports import entities_csv_write


class Command(BaseCommand):
    help = "Export resolved entities as force_code,sheet,ref,entity_id (one row per force reference)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["entities"])
        parser.add_argument("--out", type=Path, required=True, metavar="FILE.csv")

    def handle(self, *args, what, out, **options):
        if out.exists() and out.is_dir():
            raise CommandError(f"{out} is a folder: give a file name.")
        with transaction.atomic():
            count = entities_csv_write(out)
            audit_record(action=AuditAction.EXPORT, object_type="linkage.Entity",
                         detail={"what": what, "rows": count, "to": "command line"})
        self.stdout.write(f"Wrote {count:,} rows to {out}.")
