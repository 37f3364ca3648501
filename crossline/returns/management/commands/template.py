from pathlib import Path

from django.core.management.base import BaseCommand

from crossline.returns.template import build_template, example_return


class Command(BaseCommand):
    help = "Write the national return template (xlsx), or with --example a filled example workbook."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="crossline-return-template-v1.xlsx", help="Where to write it.")
        parser.add_argument("--example", action="store_true", help="Fill in a small synthetic example return.")

    def handle(self, *args, out, example, **options):
        content = build_template(example_return() if example else None)
        Path(out).write_bytes(content)
        self.stdout.write(f"Wrote {out} ({len(content):,} bytes)")
