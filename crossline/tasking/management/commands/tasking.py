"""crossline tasking chase

    crossline tasking chase              chase overdue taskings and send deconfliction notices, now
    crossline tasking chase --enqueue    hand the run to the background worker instead
    crossline tasking chase --every 15   keep running, once every 15 minutes (the demonstration)

Safe to run as often as wanted and from several places at once: each message is sent once.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Tasking: chase overdue taskings and tell organisations working on the same line."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        chase = commands.add_parser("chase", help="Chase overdue taskings; send deconfliction notices.")
        chase.add_argument("--enqueue", action="store_true", help="Queue the run for `crossline db_worker`.")
        chase.add_argument("--every", type=int, metavar="MINUTES",
                           help="Run again every MINUTES minutes until stopped (for the demonstration).")

    def handle(self, *args, **options):
        from crossline.tasking.chase import tasking_chase
        from crossline.tasking.tasks import tasking_chase as chase_task

        every = options["every"]
        if every is not None and every < 1:
            raise CommandError("--every takes a number of minutes, at least 1.")
        while True:
            if options["enqueue"]:
                result = chase_task.enqueue()
                self.stdout.write(f"Queued tasking chase {result.id}.")
            else:
                run = tasking_chase()
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M} overdue taskings chased: {len(run.chased)}; "
                                  f"deconfliction notices: {len(run.deconflictions)}.")
                for chase in run.chased:
                    self.stdout.write(f"  chased {chase.owner.organisation.name} on {chase.owner.tasking.reference} "
                                      f"({chase.recipients} told)")
                for notice in run.deconflictions:
                    self.stdout.write(f"  deconfliction on line {notice.line_id}: {notice.first_organisation.name} "
                                      f"and {notice.second_organisation.name}")
            if every is None:
                return
            self.stdout.flush()
            time.sleep(every * 60)
