"""The streaming xlsx reader: the values openpyxl gives, a formula caught however it is written,
and any workbook it cannot read (or will not: entities, forged sizes) a located rejection, in
memory that does not grow with the sheet."""

import io
import time
import tracemalloc
import zipfile
from datetime import date, datetime, timedelta
from datetime import time as clock

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossline.returns.readers import NO_HEADER, CellError, Formula, read_upload
from crossline.returns.safety import RejectedFile
from crossline.returns.tests.builders import write_zip

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(rows: list[list], *, title: str = "lines") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(sheet_data: str, *, declaration: str = "", root: str = f'<worksheet xmlns="{MAIN}">',
                   end: str = "</worksheet>") -> bytes:
    """A genuine workbook whose one worksheet is replaced by `sheet_data` as written here."""
    data = workbook([["line_ref"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = f"{declaration}{root}<sheetData>{sheet_data}</sheetData>{end}".encode()
    return write_zip({name: xml if name == "xl/worksheets/sheet1.xml" else source.read(name)
                      for name in source.namelist()})


def rows_of(data: bytes, sheet: str = "lines") -> list[tuple[int, dict]]:
    with read_upload(data, "r.xlsx") as source:
        return [(row.row_number, row.cells) for row in source.rows(sheet)]


def rejection_of(data: bytes) -> RejectedFile:
    with pytest.raises(RejectedFile) as caught:
        rows_of(data)
    assert caught.value.code == "damaged_file"
    return caught.value


HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>line_ref</t></is></c>' \
         '<c r="B1" t="inlineStr"><is><t>line_name</t></is></c></row>'


# --- the same values as openpyxl ------------------------------------------------------------
cell_values = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda number: abs(number) < 1e300),
    st.booleans(),
    st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2099, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)),
    st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell_values, min_size=1, max_size=6), min_size=1, max_size=8))
def test_any_cells_read_as_openpyxl_reads_them(grid):
    data = workbook([["line_ref", "a", "b", "c", "d", "e"], *grid])
    expected = []
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    for number, row in enumerate(book["lines"].iter_rows(min_row=2, values_only=True), start=2):
        # openpyxl writes text such as "=0" as a formula; our reader must report it as one (so the
        # return is rejected), where openpyxl reads back only the formula's text.
        cells = {name: Formula(text=value) if isinstance(value, str) and value.startswith("=") and len(value) > 1
                 else value for name, value in zip(["line_ref", "a", "b", "c", "d", "e"], row, strict=False)
                 if value is not None and not (isinstance(value, str) and not value.strip())}
        if cells:
            expected.append((number, cells))
    book.close()
    assert rows_of(data) == expected


def test_text_in_the_shared_strings_table_and_in_rich_runs_reads_as_written():
    data = with_sheet_xml(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><r><t>L</t></r><r><t xml:space="preserve">'
                          '1 </t></r><rPh><t>ignored</t></rPh></is></c><c r="B2" t="b"><v>1</v></c></row>')
    assert rows_of(data) == [(2, {"line_ref": "L1 ", "line_name": True})]


def test_dates_follow_the_workbooks_calendar():
    data = workbook([["line_ref", "first_reported"], ["L1", date(2026, 10, 15)]])
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(b"<workbookPr />", b'<workbookPr date1904="1" />')
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"].replace(
        b"<v>46310</v>", b"<v>44848</v>")  # the same day counted from 1904
    assert rows_of(write_zip(members)) == [(2, {"line_ref": "L1", "first_reported": datetime(2026, 10, 15)})]


@pytest.mark.parametrize(("style", "serial", "value"), [
    ('numFmtId="20"', "0.75", clock(18, 0)),  # h:mm
    ('numFmtId="46"', "1.5", timedelta(hours=36)),  # [h]:mm:ss
    ('numFmtId="14"', "9999999", CellError("#VALUE!")),  # a date past any calendar
])
def test_numbers_in_time_styles_become_times_or_durations_as_openpyxl_has_them(style, serial, value):
    data = with_sheet_xml(HEADER + f'<row r="2"><c r="A2" t="inlineStr"><is><t>L1</t></is></c>'
                          f'<c r="B2" s="1"><v>{serial}</v></c></row>')
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/styles.xml"] = (f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf {style}/>'
                                "</cellXfs></styleSheet>").encode()
    assert rows_of(write_zip(members)) == [(2, {"line_ref": "L1", "line_name": value})]


# --- formulas, however written ----------------------------------------------------------------
def test_every_cell_of_a_shared_formula_is_a_formula_shown_as_excel_shows_it():
    data = with_sheet_xml(
        HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>L1</t></is></c>'
        '<c r="B2" t="str"><f t="shared" ref="B2:B3" si="0">UPPER(A2)</f><v>L1</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>L2</t></is></c>'
        '<c r="B3" t="str"><f t="shared" si="0"/><v>L2</v></c></row>')
    assert rows_of(data) == [(2, {"line_ref": "L1", "line_name": Formula("=UPPER(A2)")}),
                             (3, {"line_ref": "L2", "line_name": Formula("=UPPER(A3)")})]


def test_a_formula_under_a_namespace_prefix_is_still_a_formula():
    data = with_sheet_xml(
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>line_ref</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>',
        root=f'<x:worksheet xmlns:x="{MAIN}">', end="</x:worksheet>").replace(b"<sheetData>", b"<x:sheetData>") \
        .replace(b"</sheetData>", b"</x:sheetData>")
    assert rows_of(data) == [(2, {"line_ref": Formula("=1+1")})]


def test_an_array_formula_is_a_formula():
    data = with_sheet_xml(HEADER + '<row r="2"><c r="A2"><f t="array" ref="A2">SUM(B1:B9)</f><v>0</v></c></row>')
    assert rows_of(data) == [(2, {"line_ref": Formula("=SUM(B1:B9)")})]


# --- refused, and where -----------------------------------------------------------------------
@pytest.mark.parametrize("declaration", [
    # Billion laughs: ten levels of ten.
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + level)} "{("&" + chr(97 + level) + ";") * 10}">' for level in range(9)) + "]>",
    # An external entity that would read a file of the server's.
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
])
def test_a_worksheet_with_a_document_type_is_refused_without_expanding_anything(declaration):
    data = with_sheet_xml(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>&j;</t></is></c></row>'
                          .replace("&j;", "&j;" if "ENTITY j" in declaration else "&x;"), declaration=declaration)
    started = time.monotonic()
    problem = rejection_of(data)
    assert time.monotonic() - started < 1
    assert problem.sheet == "lines" and "passwd" not in problem.message and "root:" not in problem.message


@pytest.mark.parametrize(("sheet_data", "says"), [
    ('<row r="3"><c r="A3" t="inlineStr"><is><t>L</t></is></c></row><row r="2"/>', "row 2 comes after row 3"),
    ('<row r="2"><c r="A2" t="s"><v>999</v></c></row>', "IndexError"),
    ('<row r="2"><c r="A2" t="s"><v>-1</v></c></row>', "IndexError"),
    ('<row r="2"><c r="XFE2"><v>1</v></c></row>', "not a column"),
    ('<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "more rows than Excel allows"),
    ('<row r="2.5"><c r="A2"><v>1</v></c></row>', "row numbered"),
    ('<row r="2"><c r="A2" t="b"><v>TRUE</v></c></row>', "ValueError"),
    ('<row r="2"><c r="A2"><v>' + "1" * 100_001 + "</v></c></row>", "longer than any spreadsheet cell"),
    ('<row r="2"><c r="A2"><v>1</v></row>', "ExpatError"),
])
def test_a_damaged_worksheet_is_a_located_rejection(sheet_data, says):
    problem = rejection_of(with_sheet_xml(HEADER + sheet_data))
    assert problem.sheet == "lines" and says in problem.message, problem.message


def test_a_workbook_whose_parts_are_missing_is_a_rejection():
    data = workbook([["line_ref"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    damaged = write_zip({name: source.read(name) for name in source.namelist() if name != "xl/worksheets/sheet1.xml"})
    with pytest.raises(RejectedFile) as caught:
        rows_of(damaged)
    assert caught.value.code == "damaged_file" and "missing" in caught.value.message


# --- memory -----------------------------------------------------------------------------------
def test_two_cells_at_opposite_corners_of_the_grid_are_read_in_a_few_kilobytes():
    # A dense reader (python-calamine) asks for 550 GB for this 6 KB file, and aborts the process.
    data = with_sheet_xml(HEADER + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>')
    tracemalloc.start()
    try:
        rows = rows_of(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == [(1_048_576, {NO_HEADER: "far"})]
    assert peak < 1024 * 1024, f"peak {peak:,} bytes"
