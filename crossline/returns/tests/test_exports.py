"""Error reports open safely in a spreadsheet (IN-04): text a spreadsheet would take for a
formula gets an apostrophe, every xlsx cell is a string, and nothing else is lost."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from crossline.audit.exports import FORMULA_TRIGGERS
from crossline.audit.models import AuditAction, AuditEvent, PurposeCode
from crossline.conftest import sign_in
from crossline.returns.exports import csv_lines, xlsx_workbook
from crossline.returns.services import return_submit
from crossline.returns.tests.builders import as_xlsx, sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import submit

ATTACK = "=cmd|' /C calc'!A0"
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")
# Text an xlsx can carry exactly: no surrogates, no characters XML 1.0 forbids, no carriage
# returns (which XML reads back as line feeds).
xml_text = st.text(st.characters(exclude_categories=["Cs"])).map(lambda text: NOT_IN_XML.sub("", text))


def reread_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def exported_cell(text: str):
    # A cell after it, so that the row is written even when the text is empty.
    [_header, [cell, _after]] = reread_xlsx(xlsx_workbook([("report", ["Value", "After"], [[text, "after"]])]))
    return cell


def without_added_quote(original: str, exported: str) -> str:
    if original.startswith(FORMULA_TRIGGERS):
        assert exported.startswith("'")
        return exported[1:]
    return exported


@settings(max_examples=300, deadline=None)
@given(xml_text)
def test_any_text_exported_to_xlsx_reads_back_as_a_string_with_its_original_value(text):
    value, data_type = exported_cell(text)

    if text == "":
        assert value is None  # an empty cell
        return
    assert data_type == "s"
    assert without_added_quote(text, value) == text
    assert not value.startswith(FORMULA_TRIGGERS)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_at_all_exports_to_xlsx_as_a_string_that_cannot_be_a_formula(text):
    value, data_type = exported_cell(text)

    assert data_type == "s" or (text == "" and value is None)
    assert not (value or "").startswith(FORMULA_TRIGGERS)


def test_what_an_xlsx_cannot_hold_is_shown_not_dropped():
    assert exported_cell("a\x00b\x1fc")[0] == "a\ufffdb\ufffdc"
    assert exported_cell("line one\r\nline two\rthree")[0] == "line one\nline two\nthree"
    assert exported_cell("\rx")[0] == "'\nx"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_any_text_exported_to_csv_reads_back_with_its_original_value(text):
    body = "".join(csv_lines(["Value"], [[text]]))

    [header, [value]] = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))

    assert header == ["Value"]
    assert without_added_quote(text, value) == text
    assert not value.startswith(FORMULA_TRIGGERS)


@pytest.fixture
def rejected(wy_submitter, raw_store):
    doc = sample_return()
    doc["people"][0]["gender"] = ATTACK
    doc["lines"][0]["notes"] = "+44 113 496 0000"  # fine in a return; escaped only in the report
    doc["lines"][0]["status"] = "@active"
    submission = submit(wy_submitter, doc, form="xlsx")
    assert submission.status == "rejected"
    return submission


@pytest.mark.django_db
def test_the_xlsx_error_report_escapes_formula_like_values_and_every_cell_is_text(client, wy_submitter, rejected):
    sign_in(client, wy_submitter)

    response = client.get(reverse("returns:error_report", args=[rejected.pk]), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="crossline-submission-{rejected.pk}-errors.xlsx"'
    rows = reread_xlsx(response.content)
    assert [value for value, _ in rows[0]] == ["Severity", "Sheet", "Row", "Column", "Value", "Problem", "Code"]
    assert {data_type for row in rows for _, data_type in row} == {"s"}
    by_column = {row[3][0]: [value for value, _ in row] for row in rows[1:]}
    assert by_column["gender"][:5] == ["Error", "people", "2", "gender", "'" + ATTACK]
    assert by_column["status"][4] == "'@active"


@pytest.mark.django_db
def test_the_csv_error_report_escapes_formula_like_values(client, wy_submitter, rejected):
    sign_in(client, wy_submitter)

    response = client.get(reverse("returns:error_report", args=[rejected.pk]), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    values = {row["Column"]: row["Value"] for row in rows}
    assert values["gender"] == "'" + ATTACK
    assert values["status"] == "'@active"
    assert all(row["Sheet"] and row["Problem"] for row in rows)
    assert len(rows) == rejected.error_count + rejected.warning_count


@pytest.mark.django_db
def test_downloading_an_error_report_is_audited_as_an_export(client, wy_submitter, rejected):
    sign_in(client, wy_submitter)

    client.get(reverse("returns:error_report", args=[rejected.pk]), {"format": "csv"})

    [export] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert (export.object_type, export.object_refs) == ("returns.Submission", [str(rejected.pk)])
    assert export.detail == {"format": "csv", "rows": rejected.error_count + rejected.warning_count}
    assert export.purpose_code == PurposeCode.DATA_QUALITY


@pytest.mark.django_db
def test_a_formula_typed_into_the_workbook_is_reported_and_escaped_in_the_report(client, wy_submitter, raw_store):
    doc = sample_return()
    doc["people"][1]["surname"] = "=HYPERLINK(\"http://example.invalid\",\"click\")"
    submission = return_submit(content=as_xlsx(doc, formulas=True), filename="formula.xlsx", form=None,
                               actor=wy_submitter, organisation=wy_submitter.organisation)
    sign_in(client, wy_submitter)

    response = client.get(reverse("returns:error_report", args=[submission.pk]), {"format": "xlsx"})

    [row] = [row for row in reread_xlsx(response.content)[1:] if row[3][0] == "surname"]
    assert row[4] == ("'=HYPERLINK(\"http://example.invalid\",\"click\")", "s")
