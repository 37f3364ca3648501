from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from crossline.demo import services


class Command(BaseCommand):
    help = "Demonstration data: `demo load` creates the demo cast; `demo mfa-code` prints the current code."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Create demo organisations and users (not in production).")
        sub.add_parser("mfa-code", help="Print the demo users' current authenticator code.")
        sub.add_parser("key", help="Print the demo users' shared authenticator key (base32).")

    def handle(self, *args, action, **options):
        if action == "key":
            services.demo_mfa_code()  # refuses outside a demonstration
            self.stdout.write(services.DEMO_TOTP_KEY_BASE32)
            return
        if action == "mfa-code":
            self.stdout.write(services.demo_mfa_code())
            return
        users = services.demo_users_load()
        self.stdout.write(f"Demo users ready: {len(users)}")
        from crossline.placements.demo import placements_demo_load

        placements_demo_load()
        self.stdout.write("Demo placement notifications ready.")
        from crossline.demo.returns import demo_returns_load

        out_dir = Path(settings.VAR_DIR) / "demo-returns"
        self.stdout.write("Submitting six months of synthetic national returns from every force...")
        outcome = demo_returns_load(out_dir=out_dir, progress=self.stdout.write)
        self.stdout.write("Returns: " + ", ".join(f"{count} {status}" for status, count in sorted(outcome.items())))
        from crossline.linkage.demo import linkage_demo_load

        self.stdout.write("Resolving crossover between forces (lines, people, places, vehicles)...")
        linkage_demo_load(progress=self.stdout.write)
        from crossline.assessment.demo import assessment_demo_load

        assessment = assessment_demo_load()
        self.stdout.write(f"Harm-first scores ready ({assessment}).")
        from crossline.tasking.demo import tasking_demo_load

        tasking_demo_load()
        self.stdout.write("Demo taskings and local priority nominations ready.")
        from crossline.intensification.demo import intensification_demo_load

        intensification_demo_load()
        self.stdout.write("Intensification weeks ready: three past weeks and one open.")
