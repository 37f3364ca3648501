"""`crossline refdata load`: the reference geography and the policing organisations.
`crossline refdata load-postcodes FILE.csv`: full postcodes from the ONS postcode directory.

Both are idempotent: running them again with the same data changes nothing.
"""

import io
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.organisations.services import organisations_seed_policing
from crossline.reference.postcode_directory import PostcodeDirectoryError
from crossline.reference.services import postcodes_load, refdata_load


class Command(BaseCommand):
    help = "Load reference geography (forces, councils, postcode districts) or the ONS postcode directory."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,load-postcodes}")
        actions.add_parser("load", help="Load forces, regions, councils and postcode districts, "
                                        "and create the policing organisations.")
        postcodes = actions.add_parser("load-postcodes", help="Load full postcodes from an NSPL or ONSPD CSV file.")
        postcodes.add_argument("file", type=Path, help="the NSPL or ONSPD CSV file (the 'Data/…_UK.csv' in the zip)")

    def handle(self, *args, action, **options):
        if action == "load":
            self._load()
        else:
            self._load_postcodes(options["file"])

    @transaction.atomic
    def _load(self):
        result = refdata_load()
        organisations = organisations_seed_policing()
        audit_record(action=AuditAction.CHANGE, object_type="reference geography",
                     detail=asdict(result) | {"organisations": organisations})
        self.stdout.write(
            f"Reference geography loaded: {result.regions} regions, {result.forces} forces, "
            f"{result.local_authorities} local authorities, {result.historic_codes} local authority codes, "
            f"{result.district_shares} postcode district shares; {organisations} organisations."
        )

    def _load_postcodes(self, path: Path):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        # The raw stream: Django's wrapper ends every write with a newline, which breaks a progress bar.
        console = Console(file=getattr(self.stdout, "_out", self.stdout), highlight=False)
        with path.open("rb") as raw, Progress(
            TextColumn("Loading postcodes"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=console, transient=True, disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("postcodes", total=path.stat().st_size)
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                result = postcodes_load(file=text, progress=lambda rows: progress.update(task, completed=raw.tell()))
            except PostcodeDirectoryError as error:
                raise CommandError(f"{path}: {error}. Nothing was loaded.") from error
            except UnicodeDecodeError as error:
                raise CommandError(f"{path}: not UTF-8 text ({error.reason}). Nothing was loaded.") from error
        self.stdout.write(
            f"Postcodes loaded: {result.postcodes:,} in England and Wales ({result.terminated:,} terminated, "
            f"{result.without_local_authority:,} with no known local authority); "
            f"{result.outside_england_and_wales:,} elsewhere skipped. {result.total_in_table:,} postcodes in all."
        )
