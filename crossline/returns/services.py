"""Submitting a national return (return-format-v1.md, "Outcome of a submission"; REL-01..REL-07).

    submission = return_submit(content=data, filename="october.xlsx", form=None, actor=user,
                               organisation=user.organisation, idempotency_key=key)
    submission.status  # accepted, duplicate (submission.national_return is the match) or rejected

Every attempt is kept: the raw file (content-addressed, store.py) and a Submission committed as
"received" before the file is parsed, so an attempt is on record even if the process dies. A
rejected return leaves only that and its error report. An accepted one is applied in one durable
transaction: the new version, every record, the previous version marked superseded, the
attempt marked accepted and the audit record commit together or not at all.

The file is read once. As the validator passes each batch of records, their table rows are laid
out and put in a spill on disk (bulk.Spill); only if the whole return passes are they streamed
from there into COPY (PostgreSQL) or batched INSERTs (SQLite), inside the apply's transaction.
So memory does not grow with the return, and a rejected return never touches the record tables.

return_submit is deliberately not one transaction: the attempt must be committed before the
(long) parse, and parsing holds no database locks.
"""

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from crossline.accounts.roles import SUBMIT_RETURN
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.idempotency import key_check
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.returns import format as fmt
from crossline.returns import records as rows
from crossline.returns import safety
from crossline.returns.bulk import Spill, Table, write_rows
from crossline.returns.models import (
    IssueSeverity,
    NationalReturn,
    Submission,
    SubmissionIssue,
    SubmissionStatus,
)
from crossline.returns.normalise import forget_remembered_values
from crossline.returns.readers import ReturnSource, open_return
from crossline.returns.safety import RejectedFile, check_upload, form_for
from crossline.returns.selectors import forces_submittable_by
from crossline.returns.store import raw_file_keep, sha256_of
from crossline.returns.validate import Issue, ReturnHeader, ValidatedReturn, validate_return

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # (stage, done, total or None)
PROGRESS_EVERY = 1_000
_UNFINISHED = (SubmissionStatus.RECEIVED, SubmissionStatus.FAILED)
_COUNT_FIELDS = {"lines": "line_count", "people": "person_count", "locations": "location_count",
                 "vehicles": "vehicle_count", "events": "event_count"}


class IdempotencyConflict(Exception):  # noqa: N818 - named for what the caller is told
    """The idempotency key was used before with a different request body (API: 422)."""

    def __init__(self, submission: Submission):
        super().__init__("This Idempotency-Key was already used for a different return.")
        self.submission = submission


class _SpillFailed(Exception):  # noqa: N818
    """Keeping the rows on disk failed (a full disk...): the platform's fault, not the file's."""


class SubmissionInFlight(Exception):  # noqa: N818
    """A submission with this idempotency key is still being processed (API: 409)."""

    def __init__(self, submission: Submission | None):
        super().__init__("A submission with this Idempotency-Key is still being processed. Try again shortly.")
        self.submission = submission


def _noop(stage: str, done: int, total: int | None) -> None:
    pass


def return_submit(
    *,
    content: bytes,
    filename: str,
    form: str | None,
    actor,
    organisation: Organisation,
    idempotency_key: str | None = None,
    progress: Progress | None = None,
    request=None,
    request_fingerprint: str | None = None,
) -> Submission:
    """Receive, check and (if it passes) store one return; return the attempt's Submission.

    `actor` is the submitting user or machine client, which must belong to `organisation` and
    hold `submit_return`. `form` ("xlsx", "zip", "json") defaults to what `filename` says.
    With `idempotency_key`, a retry with the same key and body returns the original Submission;
    the same key with another body raises IdempotencyConflict; one still being processed raises
    SubmissionInFlight. `request_fingerprint` defaults to the SHA-256 of `content`.
    Call it outside any transaction: it commits the attempt first, and applies durably.
    """
    _check_submitter(actor, organisation)
    progress = progress or _noop
    fingerprint = request_fingerprint or sha256_of(content)
    attempt = _Attempt(content=content, filename=filename, form=form, actor=actor, organisation=organisation,
                       progress=progress, request=request)
    if idempotency_key is None:
        return attempt.run(_submission_receive(attempt, idempotency_key=None, fingerprint=fingerprint))
    key_check(idempotency_key)
    with _key_lock(organisation.pk, idempotency_key) as held:
        existing = Submission.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
        if existing is not None and existing.request_fingerprint != fingerprint:
            audit_record(action=AuditAction.CREATE, object_type="returns.Submission", object_refs=[existing.pk],
                         actor=actor, request=request, detail={"refused": "idempotency_key_reused"})
            raise IdempotencyConflict(existing)
        if not held:
            raise SubmissionInFlight(existing)
        if existing is not None and existing.status not in _UNFINISHED:
            return existing  # a retry of a finished request: the original outcome
        # Received but unfinished means the process handling it died (it would hold the lock).
        submission = existing or _submission_receive(attempt, idempotency_key=idempotency_key,
                                                     fingerprint=fingerprint)
        return attempt.run(submission)


def _check_submitter(actor, organisation: Organisation) -> None:
    if actor is None or not actor.has_perm(SUBMIT_RETURN):
        raise PermissionDenied("Only a submitter may submit returns.")
    if getattr(actor, "organisation_id", None) != organisation.pk:
        raise PermissionDenied("A return is submitted for the submitter's own organisation only.")


def _submission_receive(attempt: "_Attempt", *, idempotency_key: str | None, fingerprint: str) -> Submission:
    content = attempt.content
    # A file over the limit is refused unread and not kept: nobody may fill the store with junk.
    kept = len(content) <= safety.MAX_UPLOAD_BYTES
    raw_sha256 = raw_file_keep(content) if kept else sha256_of(content)
    actor = attempt.actor
    with transaction.atomic():
        return Submission.objects.create(
            organisation=attempt.organisation,
            submitted_by=None if hasattr(actor, "scopes") else actor,
            machine_client=actor if hasattr(actor, "scopes") else None,
            received_at=timezone.now(),
            filename=(attempt.filename or "")[:255],
            raw_sha256=raw_sha256,
            raw_size=len(content),
            raw_kept=kept,
            idempotency_key=idempotency_key or "",
            request_fingerprint=fingerprint,
        )


@contextmanager
def _key_lock(organisation_id: int, key: str) -> Iterator[bool]:
    """Hold the idempotency key while its submission is processed; yields False if another
    process holds it. The work spans several transactions (the attempt commits before parsing),
    so on PostgreSQL this is a session advisory lock, released explicitly or when the holder's
    connection ends; on SQLite, an exclusive lock on a file, released when the holder exits."""
    digest = hashlib.sha256(f"returns.submission:{organisation_id}:{key}".encode()).digest()
    if connection.vendor == "postgresql":
        token = int.from_bytes(digest[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [token])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held and connection.is_usable():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [token])
        return
    import fcntl  # POSIX only, as is SQLite-backed development

    folder = Path(settings.RAW_FILE_STORE) / "locks"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (folder / f"{digest.hex()[:32]}.lock").open("a+b") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


class _CountedSource(ReturnSource):
    """The reader, reporting rows read as the validator pulls them."""

    def __init__(self, source: ReturnSource, progress: Progress):
        self.source, self.progress, self.form, self.count = source, progress, source.form, 0

    def sheet_names(self):
        return self.source.sheet_names()

    def header(self, sheet):
        return self.source.header(sheet)

    def row_label(self, row_number):
        return self.source.row_label(row_number)

    def rows(self, sheet):
        for row in self.source.rows(sheet):
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                self.progress("reading", self.count, None)
            yield row


class _Attempt:
    """One run of a submission through checking, validation and (if it passes) storage."""

    def __init__(self, *, content, filename, form, actor, organisation, progress, request):
        self.content, self.filename, self.form = content, filename or "", form
        self.actor, self.organisation, self.progress, self.request = actor, organisation, progress, request
        self.rows_read = 0

    def run(self, submission: Submission) -> Submission:
        try:
            return self._run(submission)
        finally:
            # Phone numbers and names are personal data: none stays in this process's memory
            # once the return that brought them is dealt with.
            forget_remembered_values()

    def _run(self, submission: Submission) -> Submission:
        try:
            form = self._check_upload()
        except RejectedFile as rejection:
            return self.reject(submission, [_issue_from(rejection)])
        submission.form = form
        with Spill() as spill:
            try:
                with open_return(self.content, form) as source:
                    counted = _CountedSource(source, self.progress)
                    result = validate_return(counted, on_records=_spilling_to(spill))
                    self.rows_read = counted.count
            except _SpillFailed as failure:
                _submission_fail(submission, failure.__cause__)
                raise
            except RejectedFile as rejection:
                return self.reject(submission, [_issue_from(rejection)])
            except Exception as error:  # noqa: BLE001 - any parser failure is a rejection, never a 500 (IN-03)
                logger.warning("Return %s could not be read: %s", submission.pk, type(error).__name__)
                return self.reject(submission, [Issue(None, None, None, None, "The platform could not read this "
                                                      f"file ({type(error).__name__}). Check that it opens, save it "
                                                      "again and send the new file.", "unreadable", "file")])
            self.progress("reading", self.rows_read, self.rows_read)
            _note_what_it_is_for(submission, result)
            if not result.ok or result.validated is None:
                return self.reject(submission, result.errors, result.warnings, errors_total=result.errors_total,
                                   warnings_total=result.warnings_total)
            validated = result.validated
            header = validated.header
            if not forces_submittable_by(organisation=self.organisation).filter(pk=header.force.pk).exists():
                return self.reject(submission, [_not_your_force(self.organisation, header, form)], result.warnings,
                                   warnings_total=result.warnings_total)
            try:
                return self.apply(submission, validated, spill, result.warnings, result.warnings_total)
            except Exception as error:
                _submission_fail(submission, error)
                raise

    def _check_upload(self) -> str:
        if self.form is not None and self.form != form_for(self.filename or f"return.{self.form}"):
            raise RejectedFile(f"'{self.filename}' is not named as a .{self.form} file, which is the form it "
                               "was sent as. Name the file for what it is.", code="wrong_form")
        return check_upload(self.content, self.filename or f"return.{self.form}")

    def reject(self, submission, errors, warnings=(), *, errors_total=None, warnings_total=None) -> Submission:
        with transaction.atomic():
            submission.status = SubmissionStatus.REJECTED
            self._finish(submission, len(errors) if errors_total is None else errors_total,
                         len(warnings) if warnings_total is None else warnings_total)
            _issues_store(submission, errors, warnings)
            audit_record(action=AuditAction.CREATE, object_type="returns.Submission", object_refs=[submission.pk],
                         actor=self.actor, request=self.request,
                         detail={"status": submission.status, "errors": submission.error_count,
                                 "warnings": submission.warning_count, "raw_sha256": submission.raw_sha256})
        return submission

    def _finish(self, submission: Submission, errors: int, warnings: int) -> None:
        submission.error_count, submission.warning_count = errors, warnings
        submission.rows_read = self.rows_read
        submission.failure = ""
        submission.finished_at = timezone.now()
        submission.save(update_fields=["status", "form", "error_count", "warning_count", "rows_read",
                                       "finished_at", "national_return", "failure", "force", "period_start",
                                       "period_end"])

    def apply(self, submission: Submission, validated: ValidatedReturn, spill: Spill, warnings: list[Issue],
              warnings_total: int) -> Submission:
        header = validated.header
        self.progress("checking", 0, None)
        digest = validated.content_digest()
        # Imported here, before the transaction: the first import (the linkage stack) takes a
        # second or more, which is no time to hold the period's lock and the write lock.
        resolution = _resolution_task()
        with transaction.atomic(durable=True):
            _lock_period(header.force.pk, header.period_start, header.period_end)
            same_period = NationalReturn.objects.filter(force=header.force, period_start=header.period_start,
                                                        period_end=header.period_end)
            current = same_period.select_for_update().filter(is_current=True).first()
            if current is not None and current.content_sha256 == digest:
                submission.status = SubmissionStatus.DUPLICATE
                submission.national_return = current
                self._finish(submission, 0, warnings_total)
                _issues_store(submission, (), warnings)
                audit_record(action=AuditAction.CREATE, object_type="returns.Submission",
                             object_refs=[submission.pk], actor=self.actor, request=self.request,
                             detail={"status": submission.status, "matches": current.pk,
                                     "raw_sha256": submission.raw_sha256})
                return submission
            version = (same_period.aggregate(last=Max("version"))["last"] or 0) + 1
            if current is not None:
                current.is_current = False  # first: only one version of a period may be current
                current.save(update_fields=["is_current"])
            national_return = NationalReturn.objects.create(
                force=header.force, period_start=header.period_start, period_end=header.period_end,
                version=version, content_sha256=digest, format_version=header.format_version, is_current=True,
                supersedes=current, submitted_by=header.submitted_by, contact_email=header.contact_email,
                accepted_at=timezone.now(), submission=submission,
                **{_COUNT_FIELDS[sheet]: count for sheet, count in validated.counts.items()},
            )
            self._store_records(national_return, validated, spill)
            submission.status = SubmissionStatus.ACCEPTED
            submission.national_return = national_return
            self._finish(submission, 0, warnings_total)
            _issues_store(submission, (), warnings)
            # Last, because the audit chain stays locked from here until the commit.
            audit_record(action=AuditAction.CREATE, object_type="returns.NationalReturn",
                         object_refs=[national_return.pk], actor=self.actor, request=self.request,
                         detail={"submission": submission.pk, "force": header.force.pk,
                                 "period_start": header.period_start, "period_end": header.period_end,
                                 "version": version, "supersedes": current.pk if current else None,
                                 "counts": national_return.counts, "raw_sha256": submission.raw_sha256})
            # Crossover: resolve the new records against the national store.
            _resolution_enqueue(resolution, national_return.pk)
            self.progress("committing", 1, 1)
        self.progress("committed", 1, 1)
        return submission

    def _store_records(self, national_return: NationalReturn, validated: ValidatedReturn, spill: Spill) -> None:
        total = sum(validated.counts.values())
        first = (national_return.pk,)
        done = 0
        for sheet in fmt.RECORD_SHEETS:
            table = rows.TABLES[sheet]
            if not validated.counts[sheet]:
                continue
            offset = done
            done += write_rows(table, spill.rows(table), first=first,
                               progress=lambda count, offset=offset: self.progress("storing", offset + count, total))
            self.progress("storing", done, total)
        if done != total:  # the spill lost rows: never commit a return without all of them
            raise RuntimeError(f"{done} of the return's {total} records were ready to store")
        write_rows(rows.PHONE_TABLE, spill.rows(rows.PHONE_TABLE), first=first)
        write_rows(rows.LINK_TABLE, spill.rows(rows.LINK_TABLE), first=first)


def _note_what_it_is_for(submission: Submission, result) -> None:
    """The force and period the return says it is for, as far as they could be read (saved with
    the outcome), so that a rejected attempt still shows in that period's history."""
    submission.force = result.stated_force
    submission.period_start, submission.period_end = result.stated_period or (None, None)


def _resolution_task():
    """The task that resolves an accepted return (crossline.linkage.tasks.resolve_return)."""
    from crossline.linkage.tasks import resolve_return  # linkage builds on returns, not the reverse

    return resolve_return


def _resolution_enqueue(resolve_return, national_return_id: int) -> None:
    """Queue the return's resolution. With the database task queue the task's row is written in
    the return's own transaction, so the two commit together: a crash straight after the commit
    cannot leave an accepted return that nothing will resolve. A queue outside the database
    (the in-process one, say) is only told once the return has committed."""
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(resolve_return.get_backend(), DatabaseBackend):
        resolve_return.enqueue(national_return_id=national_return_id)
    else:
        transaction.on_commit(lambda: resolve_return.enqueue(national_return_id=national_return_id), robust=True)


def _spilling_to(spill: Spill):
    def spill_records(header: ReturnHeader, sheet: str, records: list) -> None:
        try:
            rows.records_spill(spill, header=header, sheet=sheet, records=records)
        except Exception as error:
            raise _SpillFailed from error

    return spill_records


def _lock_period(force_code: str, period_start, period_end) -> None:
    """One apply at a time per force and period, even for its first version (no row to lock yet).
    SQLite needs nothing: its IMMEDIATE transactions already hold the only write lock."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"returns.period:{force_code}:{period_start}:{period_end}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def _submission_fail(submission: Submission, error: Exception) -> None:
    """The platform failed (database gone, lock timeout...): mark the attempt so that a retry
    knows to run it again. Only the error's type is kept: messages can quote the data."""
    logger.error("Applying submission %s failed: %s", submission.pk, type(error).__name__)
    try:
        Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.RECEIVED).update(
            status=SubmissionStatus.FAILED, failure=type(error).__name__[:200], finished_at=timezone.now())
    except Exception:  # noqa: BLE001 - the database may be what failed; the attempt stays "received"
        logger.exception("Could not mark submission %s as failed", submission.pk)


def _issue_from(rejection: RejectedFile) -> Issue:
    where = rejection.sheet or "file"
    if rejection.sheet and rejection.row:
        where = f"{rejection.sheet} row {rejection.row}"
    return Issue(rejection.sheet, rejection.row, None, None, rejection.message, rejection.code, where)


def _not_your_force(organisation: Organisation, header: ReturnHeader, form: str) -> Issue:
    force = header.force
    if organisation.kind == OrganisationKind.ROCU and organisation.region_id:
        allowed = f"only for the forces of the {organisation.region.name} region"
    elif organisation.kind == OrganisationKind.POLICE_FORCE and organisation.police_force_id:
        allowed = f"only for {organisation.police_force.force_name}"
    else:
        allowed = "for no force"
    row = header.rows.get("force")
    where = "return" if form == "json" or row is None else f"return row {row}"
    return Issue("return", row, "force", force.pk, f"This return is for {force.force_name}, but "
                 f"{organisation.name} may submit returns {allowed}. Check the force field, or ask "
                 f"{force.force_name} to submit it.", "not_your_force", where)


_ISSUES = Table(SubmissionIssue, ("submission", "severity", "sheet", "row", "column", "value", "message", "code",
                                   "where"))


def _issues_store(submission: Submission, errors, warnings) -> None:
    # Through the bulk writer, as the records are: a return can have 50,000 of each (MAX_ISSUES).
    issues = [_issue_row(issue, IssueSeverity.ERROR) for issue in errors]
    issues += [_issue_row(issue, IssueSeverity.WARNING) for issue in warnings]
    if issues:
        write_rows(_ISSUES, issues, first=(submission.pk,))


def _issue_row(issue: Issue, severity: str) -> tuple:
    return (str(severity), _cut(issue.sheet, 64), issue.row, _cut(issue.column, 64),
            _cut(_shown(issue.value), 200), _storable(issue.message), _cut(issue.code, 64), _cut(issue.where, 100))


def _shown(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(getattr(value, "text", value))


def _storable(text: str) -> str:
    """Text the database can hold: a NUL or a broken character quoted from a bad file is dropped."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _cut(text: str | None, length: int) -> str:
    text = "" if text is None else _storable(str(text))
    return text if len(text) <= length else text[: length - 1] + "…"
