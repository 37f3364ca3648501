import time

from django.core.management.base import BaseCommand, CommandError

from crossline.intensification.tasks import reminders_send


class Command(BaseCommand):
    help = "Intensification weeks: `intensification remind` queues the reminders to forces whose results are due."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="Queue the reminder task (run from cron or a timer).")
        remind.add_argument("--now", action="store_true", help="Send them in this process instead of queueing.")
        remind.add_argument("--every", type=int, metavar="MINUTES",
                            help="Run again every MINUTES minutes until stopped (for the demonstration).")

    def handle(self, *args, action, now=False, every=None, **options):
        if every is not None and every < 1:
            raise CommandError("--every takes a number of minutes, at least 1.")
        while True:
            self.remind_once(now=now)
            if every is None:
                return
            self.stdout.flush()
            time.sleep(every * 60)

    def remind_once(self, *, now: bool) -> None:
        if now:
            from crossline.intensification.services import results_reminders_send

            sent = results_reminders_send()
            self.stdout.write(f"Reminded {len(sent)} force(s).")
            return
        result = reminders_send.enqueue()
        self.stdout.write(f"Queued reminders ({result.id}).")
