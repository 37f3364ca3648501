"""`crossline resolve --full` (every current record) or `crossline resolve --return ID` (one
accepted return), showing progress; `--train` first trains new model versions on the stored
records, with analysts' decisions as labels."""

import sys

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crossline.linkage.engine.records import KINDS
from crossline.linkage.engine.splink_run import ENGINES
from crossline.linkage.runs import linkage_resolve_full, linkage_resolve_return
from crossline.returns.models import NationalReturn


class Command(BaseCommand):
    help = "Resolve records into entities across forces: all of them (--full) or one return (--return ID)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--full", action="store_true", help="resolve every current record from scratch")
        which.add_argument("--return", dest="return_id", type=int, metavar="ID", help="resolve one accepted return")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument("--kinds", default=",".join(KINDS), help=f"with --full, some of {','.join(KINDS)}")
        parser.add_argument("--train", action="store_true",
                            help="first train new model versions (people, locations) on the stored records")
        parser.add_argument("--save-models", metavar="FOLDER",
                            help="after training, write the active models as the JSON files Crossline ships")

    def handle(self, *args, full, return_id, engine, kinds, train, save_models, **options):
        chosen = [kind.strip() for kind in kinds.split(",") if kind.strip()]
        unknown = set(chosen) - set(KINDS)
        if unknown:
            raise CommandError(f"Unknown kind {', '.join(sorted(unknown))}: use {', '.join(KINDS)}.")
        if return_id is not None and not NationalReturn.objects.filter(pk=return_id).exists():
            raise CommandError(f"There is no return {return_id}.")
        if train:
            from crossline.linkage.training import linkage_models_train, models_save

            for model in linkage_models_train(engine_note="command line"):
                self.stdout.write(f"Trained {model} ({model.confirmed_labels} confirmed, "
                                  f"{model.rejected_labels} rejected decisions as labels).")
            for path in models_save(save_models) if save_models else ():
                self.stdout.write(f"Wrote {path}.")
        console = Console(file=sys.stderr)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("Starting", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)
                self.stdout.write(stage)
                self.stdout.flush()

            if full:
                run = linkage_resolve_full(engine=engine, kinds=chosen, progress=progress)
            else:
                run = linkage_resolve_return(national_return_id=return_id, engine=engine, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Run {run.pk} finished in "
                                             f"{(run.finished_at - run.started_at).total_seconds():.1f} s."))
        for kind, counts in run.counts.items():
            self.stdout.write(f"  {kind:<9} {counts.get('records', 0):>9,} records  {counts.get('identities', 0):>8,} "
                              f"references  {counts.get('entities', counts.get('entities_touched', 0)):>8,} entities  "
                              f"{sum((counts.get('links') or {}).values()):>8,} links  "
                              f"{(counts.get('candidates') or {}).get('opened', 0):>6,} new for review")
        from crossline.assessment.tasks import assess_lines  # scores follow every resolution

        queued = assess_lines.enqueue(link_run_id=run.pk)
        self.stdout.write(f"Re-scoring the lines is queued for the worker (task {queued.id}); "
                          "`crossline assess` does it now.")
        if not full:
            self.stdout.write("The forces' feedback reports for this run are queued for the worker too.")
        for conflict in run.conflicts:
            self.stdout.write(self.style.WARNING(f"  Conflict ({conflict['kind']}): {conflict['reason']}: "
                                                 f"{conflict['link']} held apart by rejected {conflict['rejected']}."))
