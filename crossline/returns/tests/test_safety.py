"""Upload limits and content checks that run before any parser sees a file (IN-01, IN-02)."""

import io
import stat
import time
import zipfile

import openpyxl
import pytest

from crossline.returns import readers, safety
from crossline.returns.readers import read_upload
from crossline.returns.safety import RejectedFile, check_upload
from crossline.returns.tests.builders import as_json, as_xlsx, as_zip, sample_return, write_zip


def rejection(data: bytes, filename: str) -> RejectedFile:
    with pytest.raises(RejectedFile) as caught:
        check_upload(data, filename)
    return caught.value


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize(("filename", "builder", "form"), [
    ("return.xlsx", as_xlsx, "xlsx"), ("RETURN.XLSX", as_xlsx, "xlsx"), ("return.zip", as_zip, "zip"),
    ("return.json", as_json, "json"),
])
def test_the_three_forms_pass(filename, builder, form):
    assert check_upload(builder(sample_return()), filename) == form


@pytest.mark.parametrize(("filename", "says"), [
    ("people.csv", ".zip"), ("return.xlsm", "macro"), ("return.xls", "old-style"), ("return.docx", "not a form"),
    ("return", "not a form"), ("return.exe", "not a form"),
])
def test_other_forms_are_refused_by_name_with_advice(filename, says):
    assert says in rejection(b"PK\x03\x04whatever", filename).message


def test_an_empty_file_is_refused():
    assert rejection(b"", "return.xlsx").code == "empty_file"


def test_a_file_over_the_size_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(safety, "MAX_UPLOAD_BYTES", 1000)
    problem = rejection(as_xlsx(sample_return()), "return.xlsx")
    assert problem.code == "too_large" and "the most the platform accepts" in problem.message


@pytest.mark.parametrize(("content", "filename"), [
    (b"MZ\x90\x00" + b"\x00" * 200, "return.xlsx"),  # a Windows program renamed
    (b"\x7fELF" + b"\x00" * 200, "return.zip"),
    (b"%PDF-1.7\n" + b"x" * 200, "return.xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "return.xlsx"),  # .xls or a password-protected .xlsx
    (b"line_ref,status\nL1,active\n", "return.xlsx"),  # a CSV renamed
    (b"line_ref,status\nL1,active\n", "return.zip"),
    (b"[1, 2, 3]", "return.json"),
    (b"PK\x03\x04" + b"\x00" * 100, "return.json"),
])
def test_content_must_match_the_name(content, filename):
    assert rejection(content, filename).code == "wrong_content"


def test_a_zip_renamed_xlsx_without_content_types_is_refused():
    problem = rejection(as_zip(sample_return()), "return.xlsx")
    assert problem.code == "wrong_content" and "[Content_Types].xml" in problem.message


def _rewrite_xlsx(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {name: source.read(name) for name in source.namelist()}
    for name, content in (replace or {}).items():
        files[name] = content
    files.update(add or {})
    return write_zip(files)


def test_a_word_document_renamed_xlsx_is_refused():
    content_types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                     b'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.'
                     b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    docx = write_zip({"[Content_Types].xml": content_types, "word/document.xml": b"<w:document/>"})
    assert "Word document" in rejection(docx, "return.xlsx").message


def test_a_workbook_with_macros_is_refused():
    with_macros = _rewrite_xlsx(as_xlsx(sample_return()), add={"xl/vbaProject.bin": b"\x00" * 64})
    assert rejection(with_macros, "return.xlsx").code == "macro_workbook"


def test_a_macro_enabled_workbook_renamed_xlsx_is_refused():
    data = as_xlsx(sample_return())
    content_types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    xlsm = _rewrite_xlsx(data, replace={"[Content_Types].xml": content_types})
    assert rejection(xlsm, "return.xlsx").code == "macro_workbook"


def test_an_xxe_in_the_content_types_is_refused_not_resolved():
    xxe = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           b'<Default Extension="xml" ContentType="&x;"/></Types>')
    problem = rejection(_rewrite_xlsx(as_xlsx(sample_return()), replace={"[Content_Types].xml": xxe}), "r.xlsx")
    assert problem.code == "damaged_file" and "root:" not in problem.message


def test_an_xxe_in_a_worksheet_is_refused_not_resolved():
    data = as_xlsx(sample_return())
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    evil = sheet.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    evil = evil.replace(b"<v>", b"<v>&x;", 1)
    with pytest.raises(RejectedFile) as caught, read_upload(_rewrite_xlsx(data, replace={
            "xl/worksheets/sheet1.xml": evil}), "return.xlsx") as source:
        for name in source.sheet_names():
            list(source.rows(name))
    assert "root:" not in caught.value.message


def _zero_bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open("lines.csv", "w", force_zip64=True) as member:
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    return _zero_bomb(1024 ** 3)


def test_a_zip_bomb_is_refused_at_once_without_inflating_it(gigabyte_bomb):
    assert len(gigabyte_bomb) < 2 * 1024 * 1024  # 1 GB of zeros deflates to about 1 MB
    started = time.perf_counter()
    problem = rejection(gigabyte_bomb, "bomb.zip")
    elapsed = time.perf_counter() - started
    print(f"\n1 GB zip bomb ({len(gigabyte_bomb):,} bytes) refused in {elapsed * 1000:.1f} ms: {problem.code}")
    assert problem.code in ("too_large_expanded", "compression_ratio")
    assert elapsed < 1.0


def test_a_workbook_carrying_a_bomb_is_refused_before_openpyxl_inflates_it():
    data = io.BytesIO(as_xlsx(sample_return()))
    with zipfile.ZipFile(data, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/media/image1.bin", "w", force_zip64=True) as member:
        for _ in range(64):
            member.write(b"\x00" * (1024 * 1024))
    started = time.perf_counter()
    problem = rejection(data.getvalue(), "bomb.xlsx")
    assert problem.code == "compression_ratio"
    assert time.perf_counter() - started < 1.0


def test_a_small_member_compressed_beyond_the_ratio_is_refused(monkeypatch):
    monkeypatch.setattr(safety, "RATIO_EXEMPT_BYTES", 0)
    data = write_zip({"lines.csv": b"line_ref\n" + b"," * 100_000})
    assert rejection(data, "return.zip").code == "compression_ratio"


def test_a_zip_that_would_expand_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 5000)
    data = as_zip(sample_return(), members={"people.csv": bytes(range(256)) * 30})
    assert rejection(data, "return.zip").code == "too_large_expanded"


def test_too_many_members_are_refused():
    data = write_zip({f"file{index}.csv": b"x" for index in range(101)})
    assert rejection(data, "return.zip").code == "too_many_members"


@pytest.mark.parametrize("name", ["../lines.csv", "/etc/lines.csv", "C:/lines.csv", "a/../../lines.csv",
                                  "..\\lines.csv"])
def test_member_paths_that_escape_are_refused(name):
    assert rejection(write_zip({name: b"line_ref\n"}), "return.zip").code == "unsafe_member"


def test_a_symbolic_link_member_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("lines.csv")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert rejection(buffer.getvalue(), "return.zip").code == "unsafe_member"


@pytest.mark.parametrize("name", ["notes.txt", "People.csv", "lines.csv.exe", "extra.csv", "folder/lines.csv"])
def test_a_csv_zip_holds_only_sheet_files(name):
    problem = rejection(as_zip(sample_return(), members={name: b"x"}), "return.zip")
    assert problem.code == "unexpected_member" and "lines.csv" in problem.message


def test_an_encrypted_member_is_refused():
    data = bytearray(write_zip({"lines.csv": b"line_ref\n"}))
    # Set the "encrypted" flag in both the local and the central header.
    data[6] |= 1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    assert rejection(bytes(data), "return.zip").code == "encrypted"


def test_a_json_document_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_JSON_BYTES", 100)
    with pytest.raises(RejectedFile) as caught:
        read_upload(as_json(sample_return()), "return.json")
    assert caught.value.code == "too_large"
