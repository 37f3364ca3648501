"""Ingest in flat memory: the validator hands records on in batches instead of keeping them, the
content digest is built as rows go by, and a return rejected after batches were handed on still
stores nothing. Also what the database could not hold, refused by the validator with a place."""

import copy
import tracemalloc

import pytest

from crossline.returns import format as fmt
from crossline.returns import validate
from crossline.returns.models import SubmissionStatus
from crossline.returns.readers import MemorySource, read_upload
from crossline.returns.services import return_submit
from crossline.returns.tests.builders import TODAY, as_json, sample_return
from crossline.returns.tests.storage_support import issues_of, nothing_stored, stored_rows, submit
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.validate import validate_return
from crossline.synthetic.bulk import write_single_return

pytestmark = pytest.mark.django_db


def with_people(count: int) -> dict:
    doc = sample_return()
    adult = doc["people"][1]
    doc["people"] += [dict(copy.deepcopy(adult), person_ref=f"WY-P-{n}", pnc_id=None, postcode=f"LS{n % 9 + 1} 4AP")
                      for n in range(3, 3 + count)]
    return doc


def test_records_are_handed_on_in_batches_in_row_order_and_not_kept(monkeypatch):
    monkeypatch.setattr(validate, "RECORD_BATCH", 4)
    handed = []

    result = validate_return(MemorySource(with_people(9)), today=TODAY,
                             on_records=lambda header, sheet, records: handed.append((sheet, records)))

    assert result.ok and result.validated.records == {}
    assert result.validated.counts == {"lines": 1, "people": 11, "locations": 1, "vehicles": 1, "events": 1}
    people = [records for sheet, records in handed if sheet == "people"]
    assert [len(records) for records in people] == [4, 4, 3]
    assert [record.row_number for records in people for record in records] == list(range(2, 13))
    # Each batch's postcodes are placed before it is handed on.
    placed = [record for records in people for record in records if "postcode" in record.values]
    assert placed and all(record.derived["postcode_location"].district for record in placed)


def test_the_digest_is_the_same_whether_records_are_kept_or_handed_on(monkeypatch):
    kept = validate_return(MemorySource(with_people(9)), today=TODAY)
    monkeypatch.setattr(validate, "RECORD_BATCH", 2)
    streamed = validate_return(MemorySource(with_people(9)), today=TODAY, on_records=lambda *batch: None)
    assert kept.validated.content_digest() == streamed.validated.content_digest()


def test_a_return_rejected_after_batches_were_handed_on_stores_nothing(wy_submitter, raw_store, monkeypatch):
    monkeypatch.setattr(validate, "RECORD_BATCH", 2)
    doc = with_people(9)
    doc["people"][-1]["roles"] = ["lookout"]  # the last row of the sheet

    submission = submit(wy_submitter, doc, form="zip")

    assert submission.status == SubmissionStatus.REJECTED
    [issue] = issues_of(submission)
    assert (issue.sheet, issue.row, issue.column) == ("people", 12, "roles")
    assert nothing_stored()


def test_an_accepted_return_stores_every_batch(wy_submitter, raw_store, monkeypatch):
    kept = validate_return(MemorySource(with_people(9)), today=TODAY).validated.records
    cross_references = sum(len(given) if isinstance(given, tuple) else 1
                           for sheet, records in kept.items() for record in records
                           for name, given in record.values.items() if fmt.SHEETS[sheet].columns[name].refers_to)
    monkeypatch.setattr(validate, "RECORD_BATCH", 2)

    submission = submit(wy_submitter, with_people(9), form="zip")

    assert submission.status == SubmissionStatus.ACCEPTED
    counts = stored_rows()
    assert (counts["Person"], counts["Line"], counts["RecordLink"]) == (11, 1, cross_references)
    assert submission.national_return.person_count == 11


def _peak_validating(path) -> int:
    with read_upload(path.read_bytes(), path.name) as source:
        tracemalloc.start()
        try:
            result = validate_return(source, today=TODAY, on_records=lambda *batch: None)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.ok, [str(issue) for issue in result.errors[:3]]
    return peak


def test_validating_a_return_holds_little_more_for_four_times_the_rows(tmp_path, monkeypatch):
    # The postcodes remembered between batches are capped (20,000 by default): capped low here, so
    # that what is measured is what has to grow.
    monkeypatch.setattr(validate, "LOCATED_POSTCODES_KEPT", 500)
    small, large = tmp_path / "small.zip", tmp_path / "large.zip"
    write_single_return(1_500, small, "zip", as_of=TODAY)
    write_single_return(6_000, large, "zip", as_of=TODAY)
    _peak_validating(small)  # the reference tables and caches, loaded once per process
    extra_rows = (6_000 - 1_500) * 3
    growth = _peak_validating(large) - _peak_validating(small)
    # What must grow: each sheet's refs (for duplicates and cross-references) and 32 bytes a record
    # for the digest. Keeping the records themselves took some 2,600 bytes a row.
    assert growth / extra_rows < 300, f"{growth / extra_rows:.0f} bytes a row"


# --- numbers and text, as stored ----------------------------------------------------------------
def test_one_number_written_two_ways_is_the_same_content(wy_submitter, raw_store):
    doc = sample_return()
    doc["events"][0]["cash_gbp"] = "1,250"
    first = submit(wy_submitter, doc, form="zip")
    doc["events"][0]["cash_gbp"] = "1250.00"
    again = submit(wy_submitter, doc, form="json")
    assert (first.status, again.status) == (SubmissionStatus.ACCEPTED, SubmissionStatus.DUPLICATE)
    assert again.national_return == first.national_return


@pytest.mark.parametrize(("column", "value", "code"), [
    ("quantity_grams", "1234567890123456", "number_out_of_range"),  # 16 whole digits
    ("quantity_grams", "0.00001", "number_out_of_range"),
    ("cash_gbp", 1e400, "invalid_number"),  # JSON reads it as infinity
])
def test_a_number_no_column_can_hold_is_a_located_error(column, value, code):
    doc = sample_return()
    doc["events"][0][column] = value
    result = validate_return(MemorySource(doc), today=TODAY)
    [issue] = result.errors
    assert (issue.sheet, issue.row, issue.column, issue.code) == ("events", 2, column, code)


def test_infinity_in_a_list_is_an_error_not_a_failure_to_store(wy_submitter, raw_store):
    doc = sample_return()
    doc["people"][1]["aliases"] = ["Deano", 7.5]
    # 1e400 is valid JSON, which Python reads as infinity, which no JSON column can then hold.
    content = as_json(doc).replace(b"7.5", b"1e400")
    submission = return_submit(content=content, filename="return.json", form=None, actor=wy_submitter,
                               organisation=wy_submitter.organisation)
    assert submission.status == SubmissionStatus.REJECTED
    [issue] = issues_of(submission)
    assert (issue.sheet, issue.row, issue.column, issue.code) == ("people", 3, "aliases", "unstorable_text")


def test_a_number_with_trailing_zeros_fits_its_places():
    doc = sample_return()
    doc["events"][0]["cash_gbp"] = "12.500"
    assert validate_return(MemorySource(doc), today=TODAY).ok


def test_a_whole_number_too_large_for_its_column_is_an_error_in_every_form():
    doc = sample_return()
    doc["people"][1]["age_estimate"] = 10**12
    del doc["people"][1]["date_of_birth"]
    [issue] = validate_return(MemorySource(doc), today=TODAY).errors
    assert (issue.sheet, issue.column, issue.message) == ("people", "age_estimate", "This number is too large.")


def test_half_a_surrogate_pair_in_the_return_sheet_is_a_located_error(wy_submitter, raw_store):
    doc = sample_return()
    doc["return"]["submitted_by"] = "DS A. \ud83d Analyst"
    submission = submit(wy_submitter, doc, form="json")
    assert submission.status == SubmissionStatus.REJECTED
    [issue] = issues_of(submission)
    assert (issue.sheet, issue.column, issue.code) == ("return", "submitted_by", "unstorable_text")
    assert nothing_stored()


def test_not_your_force_names_the_row_of_the_force_field(wy_submitter, raw_store):
    doc = sample_return()
    doc["return"]["force"] = "North Yorkshire Police"
    submission = submit(wy_submitter, doc, form="xlsx")
    [issue] = issues_of(submission)
    assert (issue.code, issue.sheet, issue.row, issue.column, issue.where) == (
        "not_your_force", "return", 3, "force", "return row 3")


def test_every_number_column_has_limits_its_database_column_can_hold():
    from crossline.returns.records import TABLES
    from crossline.returns.rules import NUMBER_LIMITS

    numbers = {(sheet.name, name) for sheet in fmt.SHEETS.values() for name, column in sheet.columns.items()
               if column.kind == "number"}
    assert set(NUMBER_LIMITS) == numbers
    for (sheet, name), (whole_digits, places) in NUMBER_LIMITS.items():
        field = TABLES[sheet].model._meta.get_field(name)
        assert whole_digits + places <= field.max_digits and places <= field.decimal_places
