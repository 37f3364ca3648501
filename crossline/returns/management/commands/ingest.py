"""`crossline ingest FILE... --as EMAIL`: submit return files as a submitter would upload them.

Each file goes through the same service as the web page and the API (checks, validation,
storage, audit), in the name of the submitter given. For each file the outcome is printed:
accepted (return, version, counts), duplicate (the stored return it matches) or rejected, with
every error as `sheet row column value: message`. Exits with status 1 if any file was not
accepted or found a duplicate.
"""

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crossline.accounts.models import User
from crossline.accounts.roles import SUBMIT_RETURN
from crossline.returns.models import SubmissionStatus
from crossline.returns.services import IdempotencyConflict, SubmissionInFlight, return_submit

STAGES = {"reading": "Reading rows", "checking": "Checking content", "storing": "Storing records",
          "committing": "Committing", "committed": "Committed"}


class Command(BaseCommand):
    help = "Submit national return files (.xlsx, .zip of CSV, .json) as a submitter, and report the outcome."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--as", dest="as_email", metavar="EMAIL",
                            help="the submitter the returns are submitted by (their sign-in e-mail)")
        parser.add_argument("--idempotency-key", metavar="KEY",
                            help="submit once only: a retry with the same key and file returns the first "
                                 "outcome (one file only)")

    def handle(self, *args, files, as_email, idempotency_key, **options):
        submitter = self._submitter(as_email)
        if idempotency_key and len(files) != 1:
            raise CommandError("--idempotency-key identifies one submission: give one file with it.")
        not_accepted = 0
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
            outcome = self._submit(path, submitter, idempotency_key)
            not_accepted += outcome not in (SubmissionStatus.ACCEPTED, SubmissionStatus.DUPLICATE)
        if not_accepted:
            raise CommandError(f"{not_accepted} of {len(files)} file(s) not accepted.", returncode=1)

    def _submitter(self, email: str | None) -> User:
        if not email:
            raise CommandError("Say who is submitting: --as EMAIL (a submitter's sign-in e-mail).")
        user = User.objects.filter(username__iexact=email).select_related("organisation").first()
        if user is None or not user.is_active:
            raise CommandError(f"There is no active user {email}.")
        if not user.has_perm(SUBMIT_RETURN):
            raise CommandError(f"{email} is not a submitter: only a submitter may submit returns.")
        return user

    def _submit(self, path: Path, submitter: User, idempotency_key: str | None) -> str:
        content = path.read_bytes()
        console = Console(file=sys.stderr)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task(f"{path.name}: reading rows", total=None)

            def progress(stage: str, done: int, total: int | None) -> None:
                bar.update(task, description=f"{path.name}: {STAGES.get(stage, stage).lower()}", completed=done,
                           total=total)
                if stage in ("storing", "committing") and done == (total or 0) and total:
                    # A plain line too, for logs and for whoever watches the run from outside.
                    self.stdout.write(f"{STAGES[stage]} {path.name}…" if stage == "committing" else
                                      f"Stored {done:,} records of {path.name}.")
                    self.stdout.flush()

            try:
                submission = return_submit(content=content, filename=path.name, form=None, actor=submitter,
                                           organisation=submitter.organisation,
                                           idempotency_key=idempotency_key, progress=progress)
            except IdempotencyConflict as conflict:
                raise CommandError(f"{path.name}: {conflict} (submission {conflict.submission.pk}).") from conflict
            except SubmissionInFlight as in_flight:
                raise CommandError(f"{path.name}: {in_flight}", returncode=75) from in_flight  # EX_TEMPFAIL
            except (PermissionDenied, ValidationError) as refused:
                raise CommandError(f"{path.name}: {refused}") from refused
            except DatabaseError as error:
                raise CommandError(f"{path.name}: the platform failed ({type(error).__name__}) and stored nothing. "
                                   "Try again.") from error
        self._report(path, submission)
        return submission.status

    def _report(self, path: Path, submission) -> None:
        write, style = self.stdout.write, self.style
        national_return = submission.national_return
        if submission.status == SubmissionStatus.ACCEPTED:
            counts = ", ".join(f"{count:,} {sheet}" for sheet, count in national_return.counts.items())
            supersedes = (f", superseding version {national_return.supersedes.version}"
                          if national_return.supersedes_id else "")
            write(style.SUCCESS(f"ACCEPTED {path.name}: return {national_return.pk}, {_describe(national_return)}, "
                                f"version {national_return.version}{supersedes}: {counts}"
                                f" ({submission.warning_count:,} warnings; submission {submission.pk})."))
        elif submission.status == SubmissionStatus.DUPLICATE:
            write(style.WARNING(f"DUPLICATE {path.name}: the same content as return {national_return.pk}, "
                                f"{_describe(national_return)}, version {national_return.version}, accepted "
                                f"{national_return.accepted_at:%d/%m/%Y %H:%M}. Nothing new was stored "
                                f"(submission {submission.pk})."))
        elif submission.status == SubmissionStatus.REJECTED:
            write(style.ERROR(f"REJECTED {path.name}: {submission.error_count:,} error(s); nothing was stored "
                              f"(submission {submission.pk})."))
            for issue in submission.issues.filter(severity="error").order_by("id"):
                place = " ".join(str(part) for part in (issue.sheet or "file", issue.row or "", issue.column,
                                                        issue.value) if part not in ("", None))
                write(f"  {place}: {issue.message}")
            shown = submission.issues.filter(severity="error").count()
            if shown < submission.error_count:
                write(f"  … and {submission.error_count - shown:,} more.")
        else:
            write(style.ERROR(f"{submission.status.upper()} {path.name}: submission {submission.pk}. "
                              "Nothing was stored; try again."))
        self.stdout.flush()


def _describe(national_return) -> str:
    return (f"{national_return.force.force_name} {national_return.period_start:%d/%m/%Y}"
            f"–{national_return.period_end:%d/%m/%Y}")
