"""`crossline assess`: score every resolved line and network again with the active scoring
model, showing progress. Scoring also runs after each resolution (assessment.tasks)."""

import sys

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crossline.assessment.models import AssessmentTrigger, Band
from crossline.assessment.services import assess_lines


class Command(BaseCommand):
    help = "Score every resolved line and network of lines again with the active scoring model."

    def handle(self, *args, **options):
        console = Console(file=sys.stderr)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("Starting", total=None)
            stages: list[str] = []

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)
                if not stages or stages[-1] != stage:
                    stages.append(stage)
                    self.stdout.write(stage)
                    self.stdout.flush()

            assessment = assess_lines(trigger=AssessmentTrigger.COMMAND, progress=progress)
        bands = {band: assessment.lines.filter(band=band).count() for band in Band.values}
        seconds = (assessment.finished_at - assessment.started_at).total_seconds()
        self.stdout.write(self.style.SUCCESS(
            f"Assessment {assessment.pk} with scoring model v{assessment.scoring_model.version}: "
            f"{assessment.line_count} lines ({bands['national']} national, {bands['regional']} regional, "
            f"{bands['local']} local) and {assessment.network_count} networks in {seconds:.1f} s."))
