"""The `crossline` command: Django's management commands and Crossline's own.

    crossline migrate
    crossline refdata load
    crossline audit verify
    crossline runserver 127.0.0.1:8000
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["crossline", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
