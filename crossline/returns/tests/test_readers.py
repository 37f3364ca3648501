"""Reading the three forms into rows: row numbers as the submitter sees them, raw cells,
formulas caught, blank rows skipped, and any unreadable file a located RejectedFile."""

import gc
import io
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from crossline.returns import readers
from crossline.returns.fuzz.inputs import decode_input
from crossline.returns.readers import CellError, Formula, read_upload
from crossline.returns.safety import RejectedFile
from crossline.returns.tests.builders import TODAY, as_json, as_xlsx, as_zip, sample_return, write_zip
from crossline.returns.validate import validate_upload


def rows_of(data: bytes, filename: str, sheet: str) -> list:
    with read_upload(data, filename) as source:
        return list(source.rows(sheet))


def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("filename", "builder"), [("r.xlsx", as_xlsx), ("r.zip", as_zip), ("r.json", as_json)])
def test_each_form_gives_the_sheets_headers_and_cells(filename, builder):
    with read_upload(builder(sample_return()), filename) as source:
        assert set(source.sheet_names()) == {"return", "lines", "people", "locations", "vehicles", "events"}
        assert source.header("return") == ("field", "value")
        assert "line_ref" in source.header("lines")
        [line] = list(source.rows("lines"))
        assert line.sheet == "lines" and line.row_number == 2
        assert line.cells["line_ref"] == "WY-L-0042"
        fields = {row.cells["field"]: row.cells["value"] for row in source.rows("return")}
        assert str(fields["format_version"]) == "1" and fields["force"] == "E23000010"


def test_xlsx_rows_keep_spreadsheet_numbers_and_skip_blank_rows():
    data = workbook_bytes({"lines": [["line_ref", "status"], ["L1", "active"], [None, "  "], ["L2", "closed"]]})
    rows = rows_of(data, "r.xlsx", "lines")
    assert [(row.row_number, row.cells) for row in rows] == [
        (2, {"line_ref": "L1", "status": "active"}), (4, {"line_ref": "L2", "status": "closed"})]


def test_an_xlsx_formula_arrives_as_a_formula_even_without_a_cached_value():
    # openpyxl writes no cached value: read with data_only=True this cell would be None (lost).
    data = workbook_bytes({"lines": [["line_ref", "line_name"], ["L1", "=UPPER(\"jay\")"]]})
    [row] = rows_of(data, "r.xlsx", "lines")
    assert row.cells["line_name"] == Formula('=UPPER("jay")')


def test_an_xlsx_formula_with_a_cached_value_is_still_a_formula():
    data = workbook_bytes({"lines": [["line_ref", "line_name"], ["L1", "=A2"]]})
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    cached = sheet.replace(b"<f>A2</f><v></v>", b"<f>A2</f><v>L1</v>").replace(b"<f>A2</f><v />", b"<f>A2</f><v>L1</v>")
    [row] = rows_of(_replace_member(data, "xl/worksheets/sheet1.xml", cached), "r.xlsx", "lines")
    assert isinstance(row.cells["line_name"], Formula)


def test_an_xlsx_error_cell_is_marked_as_such():
    data = workbook_bytes({"lines": [["line_ref", "line_name"], ["L1", "x"]]})
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    errored = sheet.replace(b'<c r="B2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="B2" t="e"><v>#N/A</v></c>')
    errored = errored.replace(b'<c r="B2" t="s"><v>3</v></c>', b'<c r="B2" t="e"><v>#N/A</v></c>')
    assert errored != sheet
    [row] = rows_of(_replace_member(data, "xl/worksheets/sheet1.xml", errored), "r.xlsx", "lines")
    assert row.cells["line_name"] == CellError("#N/A")


def test_an_xlsx_date_cell_arrives_as_a_date():
    data = workbook_bytes({"events": [["event_ref", "date"], ["E1", datetime(2026, 10, 15)]]})
    [row] = rows_of(data, "r.xlsx", "events")
    assert row.cells["date"] == datetime(2026, 10, 15)


def test_xlsx_rows_beyond_a_wrong_stored_dimension_are_still_read():
    data = workbook_bytes({"lines": [["line_ref"], ["L1"], ["L2"], ["L3"]]})
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    lying = sheet.replace(b'<dimension ref="A1:A4" />', b'<dimension ref="A1:A2" />')
    assert lying != sheet
    rows = rows_of(_replace_member(data, "xl/worksheets/sheet1.xml", lying), "r.xlsx", "lines")
    assert [row.cells["line_ref"] for row in rows] == ["L1", "L2", "L3"]


def test_a_cell_under_no_header_is_kept_under_the_empty_name():
    data = workbook_bytes({"lines": [["line_ref", None], ["L1", "lost?"]]})
    [row] = rows_of(data, "r.xlsx", "lines")
    assert row.cells == {"line_ref": "L1", readers.NO_HEADER: "lost?"}


def test_a_damaged_workbook_is_a_rejection():
    data = as_xlsx(sample_return())
    broken = _replace_member(data, "xl/workbook.xml", b"<workbook><sheets><sheet name=")
    with pytest.raises(RejectedFile) as caught:
        read_upload(broken, "r.xlsx")
    assert caught.value.code == "damaged_file"


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return write_zip({member: content if member == name else source.read(member) for member in source.namelist()})


# --- CSV in a zip ---------------------------------------------------------------------------
def csv_zip(text: str | bytes, sheet: str = "lines") -> bytes:
    return write_zip({f"{sheet}.csv": text.encode("utf-8") if isinstance(text, str) else text})


def test_csv_with_a_byte_order_mark_reads_the_same():
    rows = rows_of(csv_zip("\ufeffline_ref,status\r\nL1,active\r\n"), "r.zip", "lines")
    assert rows[0].cells == {"line_ref": "L1", "status": "active"}


def test_csv_rows_are_numbered_by_record_and_blank_ones_skipped():
    text = 'line_ref,notes\nL1,"two\nlines"\n,\n\nL2,x\n'
    rows = rows_of(csv_zip(text), "r.zip", "lines")
    assert [(row.row_number, row.cells["line_ref"]) for row in rows] == [(2, "L1"), (5, "L2")]
    assert rows[0].cells["notes"] == "two\nlines"


def test_csv_values_beyond_the_header_are_kept_under_the_empty_name():
    [row] = rows_of(csv_zip("line_ref\nL1,extra\n"), "r.zip", "lines")
    assert row.cells == {"line_ref": "L1", readers.NO_HEADER: "extra"}


def test_csv_that_is_not_utf8_is_a_located_rejection():
    with pytest.raises(RejectedFile) as caught:
        rows_of(csv_zip("line_ref,notes\nL1,caf\xe9 \xa35\n".encode("cp1252")), "r.zip", "lines")
    assert caught.value.code == "not_utf8" and caught.value.sheet == "lines"
    assert "CSV UTF-8" in caught.value.message


@pytest.mark.parametrize("text", ['line_ref\n"L1\n', 'line_ref\nL"1"x,"\n', "line_ref\n" + "x" * 100_001])
def test_malformed_csv_is_a_located_rejection(text):
    with pytest.raises(RejectedFile) as caught:
        rows_of(csv_zip(text), "r.zip", "lines")
    assert caught.value.sheet == "lines" and caught.value.row is not None


def test_a_csv_member_with_a_bad_checksum_is_a_rejection():
    data = bytearray(csv_zip("line_ref\n" + "L1\n" * 1000))
    data[40] ^= 0xFF  # inside the compressed data
    with pytest.raises(RejectedFile):
        rows_of(bytes(data), "r.zip", "lines")


def test_reading_a_large_csv_does_not_hold_it_in_memory():
    text = "line_ref,line_name,notes\n" + "".join(f"L{i},NAME{i},{'x' * 80}\n" for i in range(200_000))
    data = csv_zip(text)
    tracemalloc.start()
    try:
        count = sum(1 for _ in rows_of_lazily(data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < len(text) / 10, f"peak {peak:,} bytes for {len(text):,} bytes of CSV"


def rows_of_lazily(data: bytes):
    with read_upload(data, "r.zip") as source:
        yield from source.rows("lines")


def test_reading_a_large_workbook_does_not_hold_it_in_memory():
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet("lines")
    worksheet.append(["line_ref", "status", "notes"])
    for i in range(30_000):
        worksheet.append([i, "active", 12345.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()  # the upload itself is not what this measures
    gc.collect()
    tracemalloc.start()
    try:
        with read_upload(data, "r.xlsx") as source:
            count = sum(1 for _ in source.rows("lines"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 30_000
    assert peak < 5 * 1024 * 1024, f"peak {peak:,} bytes"


# --- JSON -----------------------------------------------------------------------------------
def test_json_items_are_numbered_like_sheet_rows_and_labelled_as_items():
    doc = {"return": {}, "lines": [{"line_ref": "L1"}, {}, {"line_ref": "L3", "drugs": []}]}
    with read_upload(as_json(doc), "r.json") as source:
        rows = list(source.rows("lines"))
        assert [(row.row_number, source.row_label(row.row_number)) for row in rows] == [(2, "item 1"), (4, "item 3")]
        assert rows[1].cells == {"line_ref": "L3"}  # an empty list is a blank cell
        assert source.header("lines") == ("line_ref", "drugs")


@pytest.mark.parametrize(("document", "says"), [
    (b'{"return": {}, "lines": [1, 2]}', "array of objects"),
    (b'{"return": [], "lines": []}', '"return" must be an object'),
    (b'{"return": {}, "lines": [{"line_ref": "L1", "line_ref": "L2"}]}', "appears twice"),
    (b'{"return": {}, "lines": [{"quantity_grams": NaN}]}', "not a number JSON allows"),
    (b'{"return": {}, "lines": [', "not valid JSON"),
    (b'{"return": {}, "x": "\xff\xfe"}', "not UTF-8"),
    (b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
])
def test_a_malformed_json_document_is_a_rejection(document, says):
    with pytest.raises(RejectedFile) as caught:
        read_upload(document, "r.json")
    assert says in caught.value.message


# --- the fuzzer's corpus, kept as regression cases --------------------------------------------
CORPUS = Path(__file__).resolve().parents[1] / "fuzz" / "corpus"


@pytest.mark.django_db
@pytest.mark.parametrize("seed", sorted(CORPUS.iterdir()), ids=lambda path: path.name)
def test_every_fuzz_corpus_input_is_read_or_rejected_never_an_exception(seed):
    filename, content = decode_input(seed.read_bytes())
    try:
        with read_upload(content, filename) as source:
            for sheet in source.sheet_names():
                list(source.rows(sheet))
    except RejectedFile as rejection:
        assert rejection.message
    result = validate_upload(content, filename, today=TODAY)
    assert result.ok or result.errors[0].message
