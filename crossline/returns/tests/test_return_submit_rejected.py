"""A rejected return stores nothing of itself: only the attempt and its error report remain,
each error located by sheet, row, column and value. No file, however broken, gives a 500."""

import io
import zipfile

import pytest

from crossline.audit.models import AuditEvent
from crossline.returns.models import Submission, SubmissionStatus
from crossline.returns.services import return_submit
from crossline.returns.store import raw_file_read
from crossline.returns.tests.builders import as_json, as_zip, sample_return
from crossline.returns.tests.storage_support import issues_of, nothing_stored, submit
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db


def _bad_return() -> dict:
    doc = sample_return()
    doc["people"][0]["date_of_birth"] = "31/02/2010"  # no such day
    doc["people"][1]["phone_numbers"] = ["077009004"]  # a digit short
    doc["vehicles"][0]["source_eval"] = None  # grading missing
    return doc


def test_a_return_with_errors_stores_only_the_attempt_and_its_report(wy_submitter, raw_store):
    submission = submit(wy_submitter, _bad_return(), form="zip")

    assert submission.status == SubmissionStatus.REJECTED
    assert submission.national_return is None
    assert nothing_stored()
    assert submission.error_count == 3
    located = [(i.sheet, i.row, i.column, i.value) for i in issues_of(submission)]
    assert located == [
        ("people", 2, "date_of_birth", "31/02/2010"),
        ("people", 3, "phone_numbers", "077009004"),
        ("vehicles", 2, "source_eval", ""),
    ]
    assert all(issue.message for issue in issues_of(submission))
    assert Submission.objects.get() == submission  # the attempt is on record, finished
    assert submission.finished_at is not None


def test_the_rejected_file_is_kept_for_the_record(wy_submitter, raw_store):
    content = as_zip(_bad_return())

    submission = return_submit(content=content, filename="bad.zip", form=None, actor=wy_submitter,
                               organisation=wy_submitter.organisation)

    assert raw_file_read(submission.raw_sha256) == content


def test_the_rejection_is_audited(wy_submitter, raw_store):
    submission = submit(wy_submitter, _bad_return())

    event = AuditEvent.objects.get(object_type="returns.Submission")
    assert event.object_refs == [str(submission.pk)]
    assert (event.detail["status"], event.detail["errors"]) == ("rejected", 3)


def test_json_errors_are_located_by_item(wy_submitter, raw_store):
    submission = submit(wy_submitter, _bad_return(), form="json")

    assert [i.where for i in issues_of(submission)] == ["people item 1", "people item 2", "vehicles item 1"]


@pytest.mark.parametrize(("filename", "content", "code"), [
    ("return.xlsx", b"MZ\x90\x00 this is a program", "wrong_content"),
    ("return.xlsm", b"PK\x03\x04", "macro_workbook"),
    ("return.pdf", b"%PDF-1.7", "wrong_form"),
    ("return.zip", b"", "empty_file"),
])
def test_an_unsafe_or_wrong_file_is_refused_before_parsing_and_logged(wy_submitter, raw_store, filename,
                                                                      content, code):
    submission = return_submit(content=content, filename=filename, form=None, actor=wy_submitter,
                               organisation=wy_submitter.organisation)

    assert submission.status == SubmissionStatus.REJECTED
    assert [issue.code for issue in issues_of(submission)] == [code]
    assert nothing_stored()


def test_a_damaged_workbook_is_a_rejection_not_a_crash(wy_submitter, raw_store):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                         'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        archive.writestr("xl/workbook.xml", "<workbook>not really")

    submission = return_submit(content=buffer.getvalue(), filename="return.xlsx", form=None, actor=wy_submitter,
                               organisation=wy_submitter.organisation)

    assert submission.status == SubmissionStatus.REJECTED
    assert submission.error_count >= 1
    assert nothing_stored()


def test_a_file_over_the_size_limit_is_refused_and_not_kept(wy_submitter, raw_store, monkeypatch):
    monkeypatch.setattr("crossline.returns.safety.MAX_UPLOAD_BYTES", 1000)
    content = as_json(sample_return())

    submission = return_submit(content=content, filename="return.json", form=None, actor=wy_submitter,
                               organisation=wy_submitter.organisation)

    assert submission.status == SubmissionStatus.REJECTED
    assert [issue.code for issue in issues_of(submission)] == ["too_large"]
    assert (submission.raw_kept, submission.raw_size) == (False, len(content))
    assert not any(raw_store.rglob(submission.raw_sha256))


@pytest.mark.parametrize("notes", ["keys under the mat\x00", "keys under the \ud83d mat"])
def test_text_the_database_cannot_hold_is_a_located_error(wy_submitter, raw_store, notes):
    doc = sample_return()
    doc["locations"][0]["notes"] = notes  # a NUL; half of an emoji's surrogate pair

    submission = submit(wy_submitter, doc, form="json")

    assert submission.status == SubmissionStatus.REJECTED
    [issue] = issues_of(submission)
    assert (issue.sheet, issue.row, issue.column) == ("locations", 2, "notes")
    assert nothing_stored()


def test_a_number_too_large_to_store_exactly_is_a_located_error(wy_submitter, raw_store):
    doc = sample_return()
    doc["events"][0]["cash_gbp"] = "12.345"

    submission = submit(wy_submitter, doc, form="zip")

    assert submission.status == SubmissionStatus.REJECTED
    [issue] = issues_of(submission)
    assert (issue.sheet, issue.row, issue.column, issue.value) == ("events", 2, "cash_gbp", "12.345")
    assert nothing_stored()


def test_a_form_that_disagrees_with_the_name_is_refused(wy_submitter, raw_store):
    submission = return_submit(content=as_json(sample_return()), filename="return.zip", form="json",
                               actor=wy_submitter, organisation=wy_submitter.organisation)

    assert submission.status == SubmissionStatus.REJECTED
    assert [issue.code for issue in issues_of(submission)] == ["wrong_form"]
