"""crossline placements dispatch | escalate | work | check | expire-drafts

    crossline placements dispatch               send every delivery that is due, once
    crossline placements escalate               escalate every notification whose time is up, once
    crossline placements work --every 5         both, every 5 seconds until stopped (the worker)
    crossline placements check                  the invariants: exit status 1 if any notification breaks one
    crossline placements expire-drafts          remove drafts nobody has saved for 30 days
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Placement notifications: send what is due, escalate what is overdue, check nothing is lost."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        for name, text in (("dispatch", "Send every delivery that is due."),
                           ("escalate", "Escalate every unacknowledged notification whose time is up."),
                           ("work", "Dispatch, escalate and expire drafts, again and again (the worker).")):
            command = commands.add_parser(name, help=text)
            command.add_argument("--every", type=float, metavar="SECONDS",
                                 help="Run again every SECONDS seconds until stopped.")
        commands.add_parser("check", help="Check that every notification is held by exactly one force or the "
                                          "triage desk and has what it must send; exit status 1 if not.")
        commands.add_parser("expire-drafts", help="Remove drafts nobody has saved for the draft lifetime.")

    def handle(self, *args, action, **options):
        if action == "check":
            return self.check()
        if action == "expire-drafts":
            return self.expire_drafts()
        every = options.get("every")
        if every is not None and every <= 0:
            raise CommandError("--every takes a number of seconds greater than 0.")
        steps = {"dispatch": [self.dispatch], "escalate": [self.escalate],
                 "work": [self.escalate, self.dispatch, self.expire_drafts]}[action]
        while True:
            for step in steps:
                step()
            if every is None:
                return
            self.stdout.flush()
            time.sleep(every)

    def dispatch(self):
        from crossline.placements.outbox import deliveries_dispatch

        result = deliveries_dispatch()
        if result.delivered or result.retrying or result.failed:
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} delivered {result.delivered}, "
                              f"retrying {result.retrying}, failed {result.failed}")

    def escalate(self):
        from crossline.placements.escalation import placements_escalate

        result = placements_escalate()
        for reference in result.to_supervisors:
            self.stdout.write(f"{reference}: escalated to the host force's supervisors")
        for reference in result.to_duty_desk:
            self.stdout.write(f"{reference}: escalated to the national duty desk")

    def expire_drafts(self):
        from crossline.placements.drafts import drafts_expire

        removed = drafts_expire()
        if removed:
            self.stdout.write(f"Removed {removed} expired draft{'s' if removed != 1 else ''}.")

    def check(self):
        from crossline.placements.selectors import placement_invariant_breaks

        breaks = placement_invariant_breaks()
        for problem in breaks:
            self.stdout.write(problem)
        if breaks:
            self.stderr.write(f"Placement notifications FAILED the check: {len(breaks)} problems")
            raise SystemExit(1)
        self.stdout.write("Placement notifications checked: every one is held once and has what it must send.")
