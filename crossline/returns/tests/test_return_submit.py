"""An accepted return is stored whole: every record with its provenance, grading, normalised
values and what was submitted, its raw file kept, and the collection audited."""

from datetime import date
from decimal import Decimal

import pytest

from crossline.audit.models import AuditEvent
from crossline.returns import normalise
from crossline.returns.models import (
    Event,
    Line,
    Location,
    NationalReturn,
    Person,
    PhoneNumber,
    RecordLink,
    SubmissionStatus,
    Vehicle,
)
from crossline.returns.services import return_submit
from crossline.returns.store import raw_file_read, sha256_of
from crossline.returns.tests.builders import as_xlsx, sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import submit

pytestmark = pytest.mark.django_db


def test_an_accepted_return_is_one_current_version_with_its_counts(wy_submitter, raw_store):
    submission = submit(wy_submitter)

    assert submission.status == SubmissionStatus.ACCEPTED
    assert (submission.error_count, submission.rows_read) == (0, 12)
    national_return = submission.national_return
    assert national_return.submission == submission
    assert (national_return.force_id, national_return.period_start, national_return.period_end) == (
        "E23000010", date(2026, 10, 1), date(2026, 10, 31))
    assert (national_return.version, national_return.is_current, national_return.supersedes) == (1, True, None)
    assert national_return.counts == {"lines": 1, "people": 2, "locations": 1, "vehicles": 1, "events": 1}
    assert national_return.submitted_by == "DS A. Analyst, Force Intelligence Bureau"
    assert national_return.contact_email == "fib@example.police.uk"
    assert len(national_return.content_sha256) == 64


def test_each_record_keeps_its_provenance_and_grading(wy_submitter, raw_store):
    national_return = submit(wy_submitter).national_return

    child = Person.objects.get(national_return=national_return, ref="WY-P-1")
    assert child.row_number == 2  # the spreadsheet row: the header is row 1
    assert (child.source_eval, child.intel_assessment, child.handling_code) == ("U", "3", "C")
    assert child.handling_conditions == "Share with children's services only"
    adult = Person.objects.get(national_return=national_return, ref="WY-P-2")
    assert adult.row_number == 3
    assert (adult.source_eval, adult.intel_assessment, adult.handling_code, adult.handling_conditions) == (
        "R", "1", "P", "")
    line = Line.objects.get(national_return=national_return)
    assert (line.ref, line.row_number, line.source_eval) == ("WY-L-0042", 2, "R")


def test_values_are_stored_normalised_beside_what_was_submitted(wy_submitter, raw_store):
    national_return = submit(wy_submitter).national_return

    line = Line.objects.get(national_return=national_return)
    assert line.deal_numbers == ["+447700900123", "+447700900124"]
    assert (line.exporting_area_code, line.exporting_area_kind, line.exporting_force_id) == (
        "E23000010", "force", "E23000010")
    assert line.importing_area_codes == ["E23000009", "E06000014"]  # North Yorkshire; York
    assert line.importing_force_codes == ["E23000009"]  # York is in North Yorkshire's area
    assert (line.drugs, line.status, line.violence, line.weapons) == (["crack_cocaine", "heroin"], "active", True,
                                                                      ["knife"])
    assert line.submitted["deal_numbers"] == "07700 900123; +447700900124"
    assert line.submitted["drugs"] == "crack cocaine; heroin"

    child = Person.objects.get(national_return=national_return, ref="WY-P-1")
    assert (child.surname, child.forenames, child.surname_key, child.forenames_key) == (
        "Smith", "Jay Lee", "smith", "jay lee")
    assert child.submitted["forenames"] == "Jay  Lee"  # as typed, two spaces and all
    assert child.date_of_birth == date(2010, 5, 1)
    assert (child.is_child, child.vulnerable) == (True, True)
    assert child.vulnerability_factors == ["under_18", "missing_episodes", "looked_after"]
    assert child.looked_after_by_code == "E08000035"  # Leeds
    assert (child.postcode, child.postcode_district, child.postcode_force_id) == ("LS1 4AP", "LS1", "E23000010")
    assert child.postcode_local_authority_id == "E08000035"
    assert child.location_confidence in ("exact", "district")
    assert child.submitted["postcode"] == "ls1 4ap"

    adult = Person.objects.get(national_return=national_return, ref="WY-P-2")
    assert (adult.surname_key, adult.alias_keys, adult.is_child) == ("obrien", ["d", "deano"], False)
    assert (adult.pnc_id, adult.pnc_key) == ("09/123456C", "09/0123456C")
    assert adult.phone_numbers == ["+441134960000"]

    assert Vehicle.objects.get(national_return=national_return).vrm == "AB12CDE"
    event = Event.objects.get(national_return=national_return)
    assert (event.date, event.type, event.location_ref) == (date(2026, 10, 15), "drug_seizure", "WY-A-7")
    assert (event.quantity_grams, event.cash_gbp) == (Decimal("12.5"), Decimal("1250"))
    assert event.submitted["cash_gbp"] == "1,250"
    location = Location.objects.get(national_return=national_return)
    assert (location.type, location.uprn, location.postcode_district) == ("cuckooed_address", "72012345", "LS9")


def test_phone_numbers_and_cross_references_are_searchable_rows(wy_submitter, raw_store):
    national_return = submit(wy_submitter).national_return

    assert set(PhoneNumber.objects.filter(national_return=national_return).values_list("sheet", "ref", "e164")) == {
        ("lines", "WY-L-0042", "+447700900123"), ("lines", "WY-L-0042", "+447700900124"),
        ("people", "WY-P-1", "+447700900555"), ("people", "WY-P-2", "+441134960000"),
    }
    links = set(RecordLink.objects.filter(national_return=national_return)
                .values_list("from_sheet", "from_ref", "to_sheet", "to_ref"))
    assert links == {
        ("people", "WY-P-1", "lines", "WY-L-0042"), ("people", "WY-P-2", "lines", "WY-L-0042"),
        ("locations", "WY-A-7", "lines", "WY-L-0042"), ("locations", "WY-A-7", "people", "WY-P-1"),
        ("vehicles", "WY-V-1", "people", "WY-P-2"),
        ("events", "WY-E-1", "locations", "WY-A-7"), ("events", "WY-E-1", "people", "WY-P-2"),
    }


def test_spreadsheet_date_cells_are_submitted_as_iso_dates(wy_submitter, raw_store):
    content = as_xlsx(sample_return(), real_dates=True)
    submission = return_submit(content=content, filename="october.xlsx", form=None, actor=wy_submitter,
                               organisation=wy_submitter.organisation)

    adult = Person.objects.get(national_return=submission.national_return, ref="WY-P-2")
    assert adult.date_of_birth == date(1990, 2, 3)
    assert adult.submitted["date_of_birth"] == "1990-02-03"


def test_the_raw_file_is_kept_exactly_under_its_sha256(wy_submitter, raw_store):
    content = as_xlsx(sample_return())
    submission = return_submit(content=content, filename="october.xlsx", form=None, actor=wy_submitter,
                               organisation=wy_submitter.organisation)

    assert (submission.raw_sha256, submission.raw_size, submission.raw_kept) == (sha256_of(content), len(content),
                                                                                 True)
    assert raw_file_read(submission.raw_sha256) == content
    assert (submission.form, submission.filename, submission.submitted_by) == ("xlsx", "october.xlsx", wy_submitter)


def test_the_collection_is_audited_with_counts_and_no_content(wy_submitter, raw_store):
    submission = submit(wy_submitter)

    event = AuditEvent.objects.get(object_type="returns.NationalReturn")
    assert event.action == "create"
    assert event.object_refs == [str(submission.national_return.pk)]
    assert event.actor_username == wy_submitter.username
    assert event.detail["counts"] == {"lines": 1, "people": 2, "locations": 1, "vehicles": 1, "events": 1}
    assert event.detail["version"] == 1
    assert "Smith" not in str(event.detail)


def test_warnings_do_not_block_and_are_kept_with_the_submission(wy_submitter, raw_store):
    doc = sample_return()
    doc["people"][1]["postcode"] = "HS1 2AA"  # Stornoway: outside the reference data, a warning only

    submission = submit(wy_submitter, doc)

    assert submission.status == SubmissionStatus.ACCEPTED
    assert submission.warning_count == 1
    warning = submission.issues.get()
    assert (warning.severity, warning.sheet, warning.row, warning.column, warning.value) == (
        "warning", "people", 3, "postcode", "HS1 2AA")
    assert Person.objects.get(ref="WY-P-2").location_confidence == "unknown"
    assert NationalReturn.objects.count() == 1


def test_progress_is_reported_stage_by_stage_up_to_every_record(wy_submitter, raw_store):
    reports = []

    submit(wy_submitter, form="zip", progress=lambda *report: reports.append(report))

    stages = list(dict.fromkeys(stage for stage, _, _ in reports))
    assert stages == ["reading", "checking", "storing", "committing", "committed"]
    assert ("reading", 12, 12) in reports
    storing = [(done, total) for stage, done, total in reports if stage == "storing"]
    assert storing[-1] == (6, 6)
    assert [done for done, _ in storing] == sorted(done for done, _ in storing)


def test_no_phone_number_or_name_stays_in_memory_once_the_return_is_dealt_with(wy_submitter, raw_store):
    normalise.normalise_phone("07700 900999")  # what an earlier return left
    submission = submit(wy_submitter)

    assert submission.status == SubmissionStatus.ACCEPTED
    assert normalise._phone.cache_info().currsize == 0
    assert normalise.name_key.cache_info().currsize == 0
