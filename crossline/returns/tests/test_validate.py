"""Every rule of return-format-v1.md: a return that breaks one is rejected whole with a located
error that says how to fix it; one that keeps them all gives normalised records for storage."""

import copy
from datetime import date, datetime

import pytest

from crossline.reference import lookups
from crossline.reference.models import Postcode
from crossline.returns import validate
from crossline.returns.readers import CellError, Formula, MemorySource
from crossline.returns.tests.builders import (
    TODAY,
    as_json,
    as_xlsx,
    as_zip,
    csv_text,
    sample_return,
    write_zip,
)
from crossline.returns.validate import validate_return, validate_upload

pytestmark = pytest.mark.django_db

FORMS = {
    "xlsx": lambda doc: ("return.xlsx", as_xlsx(doc)),
    "xlsx with date cells": lambda doc: ("return.xlsx", as_xlsx(doc, real_dates=True)),
    "zip": lambda doc: ("return.zip", as_zip(doc)),
    "zip with BOM": lambda doc: ("return.zip", as_zip(doc, bom=True)),
    "json": lambda doc: ("return.json", as_json(doc)),
}


def check(doc: dict, *, today: date = TODAY):
    return validate_return(MemorySource(doc), today=today)


def found(result) -> set[tuple]:
    return {(issue.sheet, issue.row, issue.column, issue.code) for issue in result.errors}


def only_error(result):
    assert len(result.errors) == 1, [str(issue) for issue in result.errors]
    assert result.validated is None and not result.ok
    return result.errors[0]


def snapshot(result) -> list:
    return [(sheet, record.row_number, record.ref, record.values, record.derived)
            for sheet, records in result.validated.records.items() for record in records]


# --- a good return --------------------------------------------------------------------------
def test_a_valid_return_gives_its_header_and_normalised_records():
    result = check(sample_return())
    assert result.ok and result.errors == [] and result.warnings == []
    header = result.validated.header
    assert (header.format_version, header.force.code) == (1, "E23000010")
    assert (header.period_start, header.period_end) == (date(2026, 10, 1), date(2026, 10, 31))
    line = result.validated.records["lines"][0]
    assert line.ref == "WY-L-0042" and line.row_number == 2
    assert line.values["deal_numbers"] == ("+447700900123", "+447700900124")
    assert [area.code for area in line.values["importing_areas"]] == ["E23000009", "E06000014"]
    assert line.values["drugs"] == ("crack_cocaine", "heroin") and line.values["violence"] is True
    child, adult = result.validated.records["people"]
    assert child.values["forenames"] == "Jay Lee" and child.values["postcode"] == "LS1 4AP"
    assert child.values["looked_after_by"].code == "E08000035"
    assert child.derived["postcode_location"].police_force.code == "E23000010"
    assert adult.values["pnc_id"] == "09/123456C" and adult.derived["pnc_key"] == "09/0123456C"
    assert result.validated.records["vehicles"][0].values["vrm"] == "AB12CDE"
    assert result.validated.records["events"][0].values["date"] == date(2026, 10, 15)


def test_the_forms_of_one_return_validate_to_the_same_records():
    results = {}
    for form, build in FORMS.items():
        filename, data = build(sample_return())
        result = validate_upload(data, filename, today=TODAY)
        assert result.ok, (form, [str(issue) for issue in result.errors])
        results[form] = result
    expected = snapshot(results["json"])
    for form, result in results.items():
        assert snapshot(result) == expected, form
        assert result.validated.content_digest() == results["json"].validated.content_digest(), form


def test_the_content_digest_ignores_row_order_but_not_content():
    doc = sample_return()
    digest = check(doc).validated.content_digest()
    doc["people"].reverse()
    assert check(doc).validated.content_digest() == digest
    doc["people"][0]["notes"] = "new information"
    assert check(doc).validated.content_digest() != digest


def test_text_is_stored_as_given_after_trimming():
    doc = sample_return()
    doc["lines"][0]["notes"] = "  Runs from  Leeds;  uses trains \n"
    assert check(doc).validated.records["lines"][0].values["notes"] == "Runs from  Leeds;  uses trains"


def test_an_optional_sheet_may_be_left_out_and_a_required_one_may_be_empty():
    doc = sample_return()
    del doc["vehicles"], doc["events"]
    doc["locations"] = []
    assert check(doc).ok


# --- sheets and columns ---------------------------------------------------------------------
def test_a_missing_required_sheet_rejects_the_return():
    doc = sample_return()
    del doc["locations"], doc["events"][0]["location_ref"]
    issue = only_error(check(doc))
    assert (issue.sheet, issue.code) == ("locations", "missing_sheet")


def test_an_unknown_sheet_rejects_the_return_and_suggests_the_name_meant():
    doc = sample_return()
    doc["Vehicles"] = doc.pop("vehicles")
    issue = only_error(check(doc))
    assert issue.code == "unknown_sheet" and "Rename it 'vehicles'" in issue.message


def test_the_templates_instructions_sheet_is_not_read_as_data():
    doc = sample_return()
    doc["instructions"] = [{"Read me": "Fill in one row per line, person and place."}]
    assert validate_upload(as_xlsx(doc), "return.xlsx", today=TODAY).ok
    assert only_error(validate_upload(as_zip(doc), "return.zip", today=TODAY)).code == "unexpected_member"


def test_an_unknown_column_rejects_the_return_once_not_per_row():
    doc = sample_return()
    for person in doc["people"]:
        person["Nickname"] = "x"
    issue = only_error(check(doc))
    assert (issue.sheet, issue.row, issue.column, issue.code) == ("people", 1, "Nickname", "unknown_column")
    assert "would be lost" in issue.message


def test_an_unknown_column_that_is_a_miswritten_known_one_gets_a_suggestion():
    doc = sample_return()
    doc["lines"][0]["Line Name"] = doc["lines"][0].pop("line_name")
    assert "Did you mean 'line_name'?" in only_error(check(doc)).message


def test_a_missing_required_column_rejects_the_return_once():
    doc = sample_return()
    doc["lines"].append({**doc["lines"][0], "line_ref": "WY-L-0043"})
    for line in doc["lines"]:
        del line["status"]
    assert found(check(doc)) == {("lines", 1, "status", "missing_column")}


def test_in_json_a_column_no_record_gives_is_reported_for_the_sheet():
    doc = sample_return()
    del doc["lines"][0]["status"]
    issue = only_error(validate_upload(as_json(doc), "return.json", today=TODAY))
    assert (issue.where, issue.column, issue.code) == ("sheet 'lines'", "status", "missing_column")


def test_a_column_given_twice_rejects_the_return():
    doc = sample_return()
    lines = "line_ref,line_name,line_name,exporting_area,importing_areas,status,source_eval,intel_assessment," \
            "handling_code\nWY-L-0042,JAY,JAY,E23000010,E23000009,active,R,2,P\n"
    result = validate_upload(as_zip(doc, members={"lines.csv": lines.encode()}), "return.zip", today=TODAY)
    assert ("lines", 1, "line_name", "duplicate_column") in found(result)


def test_a_value_under_no_header_rejects_the_return():
    doc = sample_return()
    lines = "line_ref,line_name,exporting_area,importing_areas,status,source_eval,intel_assessment," \
            "handling_code\nWY-L-0042,JAY,E23000010,E23000009,active,R,2,P,forgotten\n"
    result = validate_upload(as_zip(doc, members={"lines.csv": lines.encode()}), "return.zip", today=TODAY)
    assert found(result) == {("lines", 2, None, "no_header")}


# --- the return sheet -----------------------------------------------------------------------
@pytest.mark.parametrize(("change", "column", "code"), [
    ({"format_version": 2}, "format_version", "unsupported_version"),
    ({"force": "Gotham City Police"}, "force", "invalid_force"),
    ({"contact_email": "the FIB"}, "contact_email", "invalid_contact_email"),
    ({"period_end": "2026-12-31"}, "period_end", "period_in_future"),
    ({"period_start": "2026-11-01"}, "period_start", "period_reversed"),
    ({"period_end": "10/31/2026"}, "period_end", "invalid_period_end"),
    ({"colour": "red"}, "field", "unknown_field"),
    ({"submitted_by": None}, "submitted_by", "missing_field"),
])
def test_the_return_sheet_rules(change, column, code):
    doc = sample_return()
    doc["return"].update(change)
    issue = only_error(check(doc)) if code != "invalid_period_end" else check(doc).errors[0]
    assert (issue.sheet, issue.column, issue.code) == ("return", column, code)


@pytest.mark.parametrize("force", ["E23000010", "West Yorkshire Police", "west yorkshire", "BTP"])
def test_the_force_may_be_given_by_code_or_name(force):
    doc = sample_return()
    doc["return"]["force"] = force
    assert check(doc).ok


def test_a_field_given_twice_rejects_the_return():
    rows = [["field", "value"], *[[k, v] for k, v in sample_return()["return"].items()], ["force", "E23000009"]]
    result = validate_return(MemorySource({**sample_return(), "return": [dict(zip(*[rows[0], row], strict=True))
                                                                           for row in rows[1:]]}), today=TODAY)
    issue = only_error(result)
    assert (issue.column, issue.code, issue.row) == ("force", "duplicate_field", 8)


# --- cells ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("sheet", "column", "value", "code"), [
    ("lines", "status", "open", "not_in_list"),
    ("lines", "drugs", ["heroin", "crack"], "not_in_list"),
    ("lines", "violence", "sometimes", "invalid_yesno"),
    ("lines", "exporting_area", "Gotham", "unknown_area"),
    ("lines", "first_reported", "03/13/2026", "invalid_date"),
    ("people", "date_of_birth", 45000, "invalid_date"),
    ("people", "pnc_id", "09/123456", "invalid_pnc"),
    ("people", "postcode", "LS1 4AO", "invalid_postcode"),
    ("people", "phone_numbers", ["12345"], "invalid_phone"),
    ("people", "phone_numbers", ["07700 90040"], "invalid_phone"),
    ("people", "age_estimate", "about 30", "invalid_number"),
    ("people", "looked_after_by", "Gotham Borough Council", "unknown_local_authority"),
    ("locations", "uprn", "UPRN-12", "invalid_uprn"),
    ("vehicles", "vrm", "A", "invalid_vrm"),
    ("events", "cash_gbp", "-5", "invalid_number"),
    ("events", "drug", ["heroin", "cocaine"], "not_in_list"),
])
def test_a_bad_cell_is_located_with_its_value(sheet, column, value, code):
    doc = sample_return()
    doc[sheet][0][column] = value
    issue = only_error(check(doc))
    assert (issue.sheet, issue.row, issue.column, issue.code) == (sheet, 2, column, code)
    assert issue.value in (value, "crack", "12345", "07700 90040") or code == "not_in_list"
    assert issue.where == f"{sheet} row 2"


def test_every_bad_item_of_a_list_is_reported():
    doc = sample_return()
    doc["people"][1]["phone_numbers"] = "07700 900123; 12345; not a number"
    result = check(doc)
    assert [(issue.column, issue.value) for issue in result.errors] == [
        ("phone_numbers", "12345"), ("phone_numbers", "not a number")]


def test_a_json_list_of_one_is_a_single_value_but_a_longer_list_is_an_error():
    doc = sample_return()
    doc["lines"][0]["status"] = ["active"]
    assert check(doc).ok
    doc["lines"][0]["status"] = ["active", "dormant"]
    assert only_error(check(doc)).message == "Give one value here, not a list."


@pytest.mark.parametrize(("raw", "says"), [
    (Formula("=UPPER(B2)"), "formula"), (CellError("#N/A"), "#N/A"), (datetime(2026, 1, 2), "Format the column as Text"),
    ({"nested": "object"}, "not an object"),
])
def test_what_a_spreadsheet_puts_in_a_cell_instead_of_data_is_an_error(raw, says):
    doc = sample_return()
    doc["lines"][0]["line_name"] = raw
    assert says in only_error(check(doc)).message


def test_a_formula_in_a_workbook_rejects_the_return_with_its_cell():
    doc = sample_return()
    doc["people"][1]["surname"] = '=UPPER("obrien")'
    result = validate_upload(as_xlsx(doc, formulas=True), "return.xlsx", today=TODAY)
    issue = only_error(result)
    assert (issue.sheet, issue.row, issue.column, issue.code) == ("people", 3, "surname", "formula")
    assert "Paste Special > Values" in issue.message


def test_a_nul_in_a_csv_cell_is_an_error():
    doc = sample_return()
    doc["lines"][0]["notes"] = "a\x00b"
    issue = only_error(validate_upload(as_zip(doc), "return.zip", today=TODAY))
    assert (issue.sheet, issue.column) == ("lines", "notes")


# --- what a row must give -------------------------------------------------------------------
@pytest.mark.parametrize(("sheet", "remove", "code"), [
    ("lines", ("line_name", "deal_numbers"), "required_line_identity"),
    ("people", ("surname", "forenames", "aliases"), "required_person_identity"),
    ("locations", ("address", "postcode"), "required_location_place"),
])
def test_one_of_a_group_must_be_given(sheet, remove, code):
    doc = sample_return()
    record = doc[sheet][-1]
    for column in remove:
        record[column] = None
    assert only_error(check(doc)).code == code
    record[remove[-1]] = {"deal_numbers": ["07700 900123"], "aliases": ["Deano"], "postcode": "LS9 8AB"}[remove[-1]]
    assert check(doc).ok


@pytest.mark.parametrize(("sheet", "index", "change", "column", "fix"), [
    ("lines", 0, {"status": "closed"}, "closure_type", "type2"),
    ("people", 1, {"vulnerable": "Y"}, "vulnerability_factors", "debt bondage"),
    ("people", 1, {"vulnerable": "Y", "vulnerability_factors": "care_leaver; looked_after"}, "looked_after_by",
     "Kent County Council"),
    ("vehicles", 0, {"handling_code": "C"}, "handling_conditions", "Not for disclosure to the subject"),
])
def test_conditional_columns_are_required_when_their_condition_holds(sheet, index, change, column, fix):
    doc = sample_return()
    doc[sheet][index].update(change)
    issue = only_error(check(doc))
    assert (issue.sheet, issue.column, issue.code) == (sheet, column, "required_if")
    doc[sheet][index][column] = fix
    assert check(doc).ok


@pytest.mark.parametrize(("sheet", "column"), [("lines", "source_eval"), ("people", "intel_assessment"),
                                               ("vehicles", "handling_code"), ("events", "source_eval")])
def test_every_record_carries_a_grading(sheet, column):
    doc = sample_return()
    doc[sheet][0][column] = " "
    issue = only_error(check(doc))
    assert (issue.column, issue.code) == (column, "required") and "intelligence grading" in issue.message


def test_a_required_cell_left_blank_is_an_error():
    doc = sample_return()
    doc["lines"][0]["exporting_area"] = ""
    issue = only_error(check(doc))
    assert (issue.column, issue.code) == ("exporting_area", "required")


# --- references -----------------------------------------------------------------------------
def duplicate_person(doc: dict) -> dict:
    doc["people"][1]["person_ref"] = "WY-P-1"
    doc["vehicles"][0]["person_refs"] = doc["events"][0]["person_refs"] = "WY-P-1"
    return doc


def test_a_one_of_column_missing_from_the_header_rejects_the_return_once():
    doc = sample_return()
    for person in doc["people"]:
        for column in ("surname", "forenames", "aliases"):
            person.pop(column, None)
    issue = only_error(check(doc))
    assert (issue.row, issue.code) == (1, "missing_column") and "surname, forenames, aliases" in issue.message


def test_a_reference_used_twice_in_a_sheet_is_an_error_naming_the_first():
    doc = duplicate_person(sample_return())
    issue = only_error(check(doc))
    assert (issue.row, issue.column, issue.code) == (3, "person_ref", "duplicate_ref")
    assert "also on row 2" in issue.message


def test_in_json_rows_are_called_items():
    doc = duplicate_person(sample_return())
    issue = only_error(validate_upload(as_json(doc), "return.json", today=TODAY))
    assert issue.where == "people item 2" and "also on item 1" in issue.message


@pytest.mark.parametrize(("sheet", "column", "value", "bad"), [
    ("people", "line_refs", ["WY-L-0042", "WY-L-9999"], ["WY-L-9999"]),
    ("locations", "person_refs", ["WY-P-7", "WY-P-8"], ["WY-P-7", "WY-P-8"]),
    ("vehicles", "line_refs", "WY-L-1", ["WY-L-1"]),
    ("events", "location_ref", "WY-A-99", ["WY-A-99"]),
])
def test_cross_references_must_exist_in_the_same_return(sheet, column, value, bad):
    doc = sample_return()
    doc[sheet][0][column] = value
    result = check(doc)
    assert [(issue.column, issue.value, issue.code) for issue in result.errors] == [
        (column, ref, "unknown_ref") for ref in bad]
    assert result.validated is None


# --- dates ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("sheet", "column"), [("events", "date"), ("lines", "last_reported"),
                                               ("people", "date_of_birth")])
def test_a_date_after_the_period_end_is_an_error(sheet, column):
    doc = sample_return()
    doc[sheet][-1][column] = "01/11/2026"
    issue = only_error(check(doc))
    assert (issue.column, issue.code) == (column, "date_after_period") and "31/10/2026" in issue.message
    doc[sheet][-1][column] = "31/10/2026"
    assert not any(issue.code == "date_after_period" for issue in check(doc).errors)


# --- children -------------------------------------------------------------------------------
@pytest.mark.parametrize("change", [
    {"date_of_birth": "2010-05-01", "vulnerable": "N", "roles": "line_holder"},
    {"date_of_birth": "01/11/2008", "vulnerable": "N"},  # 18 the day after period_end
    {"date_of_birth": None, "age_estimate": 15, "vulnerable": "Y", "vulnerability_factors": "missing_episodes"},
    {"date_of_birth": "2012-01-01", "vulnerable": None},
])
def test_a_child_is_never_recorded_as_only_an_offender(change):
    doc = sample_return()
    doc["people"][1].update(change)
    result = check(doc)
    assert result.validated is None
    child_error = next(issue for issue in result.errors if issue.code == "child_not_vulnerable")
    # At the cell to change: vulnerable unless it already says Y, then its factors.
    expected_column = "vulnerability_factors" if change.get("vulnerable") == "Y" else "vulnerable"
    assert (child_error.row, child_error.column) == (3, expected_column)
    assert "a child is never recorded as only an offender" in child_error.message
    assert "under_18" in child_error.message


@pytest.mark.parametrize("change", [
    {"date_of_birth": "31/10/2008"},  # 18 on period_end
    {"date_of_birth": "2010-05-01", "vulnerable": "Y", "vulnerability_factors": "under_18"},
    {"date_of_birth": None, "age_estimate": "17", "vulnerable": "yes", "vulnerability_factors": "Under 18; other"},
])
def test_a_child_recorded_as_vulnerable_with_under_18_is_accepted(change):
    doc = sample_return()
    doc["people"][1].update(change)
    assert check(doc).ok


# --- warnings -------------------------------------------------------------------------------
@pytest.mark.parametrize(("sheet", "column", "value", "code"), [
    ("people", "date_of_birth", "1920-01-01", "implausible_age"),
    ("people", "age_estimate", 95, "implausible_age"),
    ("people", "postcode", "ZE1 0AA", "unknown_postcode_district"),
    ("locations", "postcode", "B45 8AA", "ambiguous_postcode"),
])
def test_warnings_are_reported_but_do_not_block(sheet, column, value, code):
    doc = sample_return()
    doc[sheet][-1][column] = value
    if column == "age_estimate":
        doc[sheet][-1]["date_of_birth"] = None
    result = check(doc)
    assert result.ok and result.validated is not None
    [warning] = result.warnings
    assert (warning.sheet, warning.column, warning.code) == (sheet, column, code)


def test_an_adult_marked_under_18_gets_a_warning():
    doc = sample_return()
    doc["people"][1].update({"vulnerable": "Y", "vulnerability_factors": "under_18"})
    [warning] = check(doc).warnings
    assert warning.code == "adult_under_18" and "36" in warning.message



# --- where postcodes are ----------------------------------------------------------------------
def _placed_postcodes() -> dict[str, object]:
    doc = sample_return()
    doc["people"][1]["postcode"] = "ZE1 0AA"  # a district the reference data does not have
    doc["vehicles"] = []
    doc["events"][0]["location_ref"] = "WY-A-8"
    doc["locations"].append({**doc["locations"][0], "location_ref": "WY-A-8", "postcode": "B45 8AA"})  # split
    result = check(doc)
    assert result.ok, [str(issue) for issue in result.errors]
    return {record.values["postcode"]: record.derived["postcode_location"]
            for sheet in ("people", "locations") for record in result.validated.records[sheet]}


def test_postcodes_are_placed_as_the_reference_look_up_places_them():
    # Without the postcode directory the validator works each district out once, not a query a
    # batch: the places must be exactly those lookups.locate_postcodes gives.
    placed = _placed_postcodes()
    assert set(placed) == {"LS1 4AP", "ZE1 0AA", "LS9 8AB", "B45 8AA"}
    assert placed == lookups.locate_postcodes(placed, canonical=True)
    assert {postcode: str(place.confidence) for postcode, place in placed.items()} == {
        "LS1 4AP": "district", "ZE1 0AA": "unknown", "LS9 8AB": "district", "B45 8AA": "ambiguous"}


def test_a_postcode_in_the_directory_is_placed_exactly():
    Postcode.objects.create(postcode="LS9 8AB", police_force_id="E23000009", local_authority=None)
    placed = _placed_postcodes()
    assert placed == lookups.locate_postcodes(placed, canonical=True)
    assert (placed["LS9 8AB"].confidence, placed["LS9 8AB"].police_force.code) == ("exact", "E23000009")
    assert placed["LS1 4AP"].confidence == "district"


# --- all at once ----------------------------------------------------------------------------
def test_every_error_is_reported_at_once():
    doc = sample_return()
    doc["lines"][0]["status"] = "open"
    doc["people"][0]["gender"] = "m"
    doc["people"][1]["date_of_birth"] = "31/31/1990"
    doc["locations"][0]["type"] = "flat"
    doc["events"][0]["date"] = "2026-11-30"
    result = check(doc)
    assert found(result) == {("lines", 2, "status", "not_in_list"), ("people", 2, "gender", "not_in_list"),
                             ("people", 3, "date_of_birth", "invalid_date"), ("locations", 2, "type", "not_in_list"),
                             ("events", 2, "date", "date_after_period")}
    assert result.validated is None and result.errors_total == 5


def test_a_bad_row_near_the_end_of_a_large_return_rejects_it_and_is_named():
    doc = sample_return()
    header = "line_ref,line_name,exporting_area,importing_areas,status,source_eval,intel_assessment,handling_code\n"
    rows = [f"L{number},NAME{number},E23000010,North Yorkshire;Leeds,active,R,2,P\n" for number in range(2, 50_002)]
    rows[49_999 - 2] = "L49999,NAME,E23000010,E23000009,opne,R,2,P\n"
    doc["people"] = doc["locations"] = []
    del doc["vehicles"], doc["events"]
    data = as_zip(doc, members={"lines.csv": (header + "".join(rows)).encode()})
    issue = only_error(validate_upload(data, "return.zip", today=TODAY))
    assert (issue.where, issue.column, issue.value) == ("lines row 49999", "status", "opne")


def test_a_file_that_cannot_be_read_half_way_is_rejected_with_where():
    doc = sample_return()
    data = as_zip(doc, members={"people.csv": "person_ref,surname\nP1,Caf\xe9\n".encode("cp1252")})
    result = validate_upload(data, "return.zip", today=TODAY)
    assert result.validated is None and ("people", 2, None, "not_utf8") in found(result)
    assert "line 2" in result.errors[-1].message


def test_a_file_refused_before_reading_comes_back_as_one_error():
    result = validate_upload(b"MZ" + b"\x00" * 100, "return.xlsx", today=TODAY)
    issue = only_error(result)
    assert issue.code == "wrong_content" and issue.where == "file"


def test_the_error_report_is_bounded_but_the_total_is_counted(monkeypatch):
    monkeypatch.setattr(validate, "MAX_ISSUES", 3)
    doc = sample_return()
    doc["lines"] = [{**copy.deepcopy(doc["lines"][0]), "line_ref": f"L{n}", "status": "open"} for n in range(10)]
    doc["people"] = doc["locations"] = []
    del doc["vehicles"], doc["events"]
    result = check(doc)
    assert len(result.errors) == 3 and result.errors_total == 10


def test_a_csv_zip_is_read_whatever_the_order_of_its_members():
    doc = sample_return()
    data = write_zip({f"{sheet}.csv": csv_text(doc, sheet).encode() for sheet in reversed(list(doc))})
    assert validate_upload(data, "return.zip", today=TODAY).ok


def test_a_pnc_id_whose_check_letter_disagrees_is_accepted_with_a_warning():
    doc = sample_return()
    doc["people"][0]["pnc_id"] = "09/123456X"  # the format's own example: the check letter would be C
    result = check(doc)
    assert result.ok
    [warning] = [w for w in result.warnings if w.code == "pnc_check_letter"]
    assert (warning.sheet, warning.row, warning.column, warning.value) == ("people", 2, "pnc_id", "09/123456X")
    assert "would be C" in warning.message


@pytest.mark.parametrize(("vulnerable", "factors", "column", "value"), [
    ("N", [], "vulnerable", "N"),
    ("Y", ["cuckooed"], "vulnerability_factors", "cuckooed"),
])
def test_a_child_not_flagged_vulnerable_is_located_at_the_cell_to_change(vulnerable, factors, column, value):
    doc = sample_return()
    child = doc["people"][0]
    child.update(date_of_birth="2012-05-01", vulnerable=vulnerable, vulnerability_factors=factors)
    issue = only_error(check(doc))
    assert (issue.sheet, issue.row, issue.column, issue.value, issue.code) == (
        "people", 2, column, value, "child_not_vulnerable")
