"""crossline compliance remind | schedule

    crossline compliance remind              send the reminders due today, now (cron, systemd timer)
    crossline compliance remind --enqueue    hand the run to the background worker instead
    crossline compliance remind --every 60   keep running, once every 60 minutes (the demonstration)
    crossline compliance schedule            the schedule's versions, and the periods of the last year
    crossline compliance schedule --set-from 2026-05-01 [--due-working-days 10]
                                             add a version as the platform (set-up, demonstration)
"""

import time
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crossline.compliance.schedule import recent_periods, schedule_versions


class Command(BaseCommand):
    help = "Return compliance: send reminders, show or set the return schedule."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        remind = commands.add_parser("remind", help="Send the due-soon and overdue reminders owed today.")
        remind.add_argument("--enqueue", action="store_true", help="Queue the run for `crossline db_worker`.")
        remind.add_argument("--every", type=int, metavar="MINUTES",
                            help="Run again every MINUTES minutes until stopped (for the demonstration).")
        show = commands.add_parser("schedule", help="Show the return schedule; --set-from adds a version.")
        show.add_argument("--set-from", type=date.fromisoformat, metavar="YYYY-MM-01",
                          help="Add a version governing periods from this day (as the platform, audited).")
        show.add_argument("--due-working-days", type=int, default=10)
        show.add_argument("--reminder-working-days", type=int, default=3)

    def handle(self, *args, **options):
        if options["action"] == "remind":
            self.remind(enqueue=options["enqueue"], every=options["every"])
        else:
            if options["set_from"]:
                self.set_schedule(options)
            self.show_schedule()

    def remind(self, *, enqueue: bool, every: int | None) -> None:
        from crossline.compliance.services import reminders_send
        from crossline.compliance.tasks import reminders_send as reminders_task

        if every is not None and every < 1:
            raise CommandError("--every takes a number of minutes, at least 1.")
        while True:
            if enqueue:
                result = reminders_task.enqueue()
                self.stdout.write(f"Queued reminders run {result.id}.")
            else:
                run = reminders_send()
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M} reminders sent: {len(run.sent)} "
                                  f"(e-mails queued: {run.emails}).")
                for reminder in run.sent:
                    self.stdout.write(f"  {reminder.force_id} {reminder.period_end} {reminder.kind} "
                                      f"to {reminder.recipients} {'person' if reminder.recipients == 1 else 'people'}")
            if every is None:
                return
            self.stdout.flush()
            time.sleep(every * 60)

    def set_schedule(self, options) -> None:
        from crossline.compliance.services import return_schedule_set

        try:
            return_schedule_set(effective_from=options["set_from"], due_working_days=options["due_working_days"],
                                reminder_working_days=options["reminder_working_days"], changed_by=None,
                                reason="Set from the command line.")
        except ValidationError as problem:
            raise CommandError("; ".join(problem.messages)) from problem

    def show_schedule(self) -> None:
        versions = schedule_versions()
        if not versions:
            self.stdout.write("No return schedule has been set: no return is expected.")
            return
        for version in versions:
            self.stdout.write(f"From {version.effective_from}: {version.get_frequency_display().lower()}, due "
                              f"{version.due_working_days} working days after the period ends; reminders "
                              f"{version.reminder_working_days} working days before.")
        self.stdout.write("\nPeriod                      Due")
        for period in recent_periods(timezone.localdate(), versions):
            self.stdout.write(f"{period.label:<27} {period.due:%a %d %b %Y}")
