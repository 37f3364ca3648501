"""A force's results are checked like a return: every error at once, each located, nothing stored
on error; plausibility warnings never block."""

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from crossline.intensification.figures import BY_KEY, FIGURES
from crossline.intensification.models import DrugSeizure, WeekResult
from crossline.intensification.services import results_submit, results_upload
from crossline.intensification.tests.support import WEST_YORKSHIRE, raw, week_started
from crossline.intensification.validate import Raw, results_check
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def _codes(problems) -> dict:
    return {p.field: p.code for p in problems}


def test_every_error_comes_back_at_once_and_nothing_is_stored(wy_submitter):
    week = week_started()
    given = raw(arrests="lots", charges=-2, weapons_bladed=2.5, cash_seized_gbp="12.345", drug_heroin_grams="1e3",
                nrm_referrals=None)
    outcome = results_submit(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=given, through="form",
                             actor=wy_submitter)
    assert not outcome.ok and outcome.result is None
    assert _codes(outcome.errors) == {"arrests": "not_a_number", "charges": "negative", "weapons_bladed": "not_whole",
                                      "cash_seized_gbp": "too_precise", "drug_heroin_grams": "not_a_number",
                                      "nrm_referrals": "required"}
    assert next(p for p in outcome.errors if p.field == "arrests").value == "lots"
    assert next(p for p in outcome.errors if p.field == "nrm_referrals").message == (
        "Enter the number of NRM referrals, or 0 if there were none")
    assert not WeekResult.objects.exists() and not DrugSeizure.objects.exists()


def test_a_plausibility_warning_does_not_block_and_is_kept(wy_submitter):
    outcome = results_submit(week=week_started(), force=PoliceForce.objects.get(pk=WEST_YORKSHIRE),
                             raw=raw(arrests=3, charges=5, lines_closed_type_1=0), through="form", actor=wy_submitter)
    assert outcome.ok and outcome.created
    assert _codes(outcome.warnings) == {"charges": "charges_over_arrests"}
    assert outcome.result.warnings[0]["field"] == "charges"


def test_common_ways_of_writing_numbers_are_understood():
    checked = results_check(raw(arrests="1,204", cash_seized_gbp="£18,000.5", drug_cannabis_grams="2,500.25 g",
                                drug_heroin_grams=" ", weapons_other=3.0))
    assert checked.ok, checked.errors
    values = checked.values
    assert values["arrests"] == 1204 and values["weapons_other"] == 3
    assert values["cash_seized_gbp"] == Decimal("18000.50")
    assert values["drug_cannabis_grams"] == Decimal("2500.250") and values["drug_heroin_grams"] == 0


def test_a_typing_slip_far_above_the_forces_earlier_weeks_is_a_warning():
    checked = results_check(raw(arrests=400, charges=6), previous_highest={"arrests": 12})
    assert checked.ok and _codes(checked.warnings) == {"arrests": "much_higher_than_before"}


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                 st.decimals(allow_nan=True), st.booleans(), st.none()))
def test_any_value_is_either_a_figure_or_a_located_error(value):
    for figure in (BY_KEY["arrests"], BY_KEY["cash_seized_gbp"], BY_KEY["drug_mdma_grams"]):
        checked = results_check({**raw(), figure.key: Raw(value, "results", 7, "value")})
        if checked.ok:
            assert checked.values[figure.key] >= 0
        else:
            (problem,) = checked.errors
            assert (problem.field, problem.sheet, problem.row, problem.column) == (figure.key, "results", 7, "value")
            assert problem.message


def _xlsx(rows, *, header=("field", "value")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "results"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _template_rows(week, **changes):
    rows = [("week", week.starts_on.isoformat()), ("force", WEST_YORKSHIRE)]
    values = {f.key: (1 if f.required else None) for f in FIGURES} | {"arrests": 10, "charges": 6} | changes
    return rows + [(key, value) for key, value in values.items() if value != "omit"]


def test_an_upload_with_errors_names_sheet_row_column_and_value(wy_submitter):
    week = week_started()
    rows = _template_rows(week, arrests="=SUM(B5:B6)", charges="six", weapons_firearms="omit")
    rows.append(("knives", 4))
    rows.append(("arrests", 3))
    outcome = results_upload(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), content=_xlsx(rows),
                             filename="results.xlsx", actor=wy_submitter)
    assert not outcome.ok
    found = {(p.code, p.sheet, p.row, p.column, p.value) for p in outcome.errors}
    assert ("formula", "results", 4, "value", "=SUM(B5:B6)") in found  # row 1 is the header; arrests is row 4
    assert ("not_a_number", "results", 5, "value", "six") in found
    assert ("unknown_field", "results", len(rows), "field", "knives") in found  # the last row but one
    assert ("repeated_field", "results", len(rows) + 1, "field", "arrests") in found
    assert ("missing_field", "results", None, "field", "") in found
    assert not WeekResult.objects.exists()


def test_an_upload_for_another_week_or_force_is_refused(wy_submitter):
    week = week_started()
    rows = [("week", "2020-01-06"), ("force", "E23000009")] + _template_rows(week)[2:]
    outcome = results_upload(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), content=_xlsx(rows),
                             filename="results.xlsx", actor=wy_submitter)
    assert {p.code for p in outcome.errors} == {"wrong_week", "wrong_force"}
    assert {p.row for p in outcome.errors} == {2, 3}


def test_a_filled_in_csv_template_is_accepted(wy_submitter):
    week = week_started()
    lines = ["field,value"] + [f"{key},{'' if value is None else value}" for key, value in _template_rows(week)]
    outcome = results_upload(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE),
                             content=("\ufeff" + "\r\n".join(lines)).encode(), filename="results.csv",
                             actor=wy_submitter)
    assert outcome.ok and outcome.result.submitted_through == "upload" and outcome.result.arrests == 10


@pytest.mark.parametrize("content,filename,code", [
    (b"", "results.csv", "empty_file"),
    (b"field,value\narrests,\xff\xfe", "results.csv", "not_utf8"),
    (b"PK\x03\x04not really a zip", "results.xlsx", "damaged_file"),
    (b"MZ\x90\x00", "results.exe", "wrong_form"),
    (b"<xml/>", "results.xlsm", "wrong_form"),
])
def test_a_file_that_cannot_be_read_is_a_located_rejection_not_a_crash(wy_submitter, content, filename, code):
    outcome = results_upload(week=week_started(), force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), content=content,
                             filename=filename, actor=wy_submitter)
    assert not outcome.ok
    assert code in {p.code for p in outcome.errors} or outcome.errors[0].field == "file"
    assert not WeekResult.objects.exists()


def test_results_cannot_be_sent_before_the_week_starts(wy_submitter):
    outcome = results_submit(week=week_started(-3), force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=raw(),
                             through="form", actor=wy_submitter)
    assert [p.code for p in outcome.errors] == ["week_not_started"]
