"""Upload limits checked before any parser sees the file (security.md IN-01, IN-02).

Everything here reads only the first bytes and, for zip-based forms, the zip central
directory: a decompression bomb or a zip-slip archive is refused without inflating a byte.
The limits are module constants so that a deployment (or a test) can tighten them.
"""

import io
import stat
import zipfile
from typing import BinaryIO

import defusedxml
import defusedxml.ElementTree
import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from crossline.returns.format import SHEETS

# openpyxl parses the workbook XML with defusedxml only when defusedxml is importable; make
# a broken install fail loudly at start-up rather than parse XML with entity expansion.
# (Not an `assert`: those vanish under `python -O`.)
if not openpyxl.DEFUSEDXML:
    raise ImproperlyConfigured("openpyxl must parse through defusedxml: install defusedxml.")

MAX_UPLOAD_BYTES = settings.UPLOAD_MAX_BYTES  # the file as received
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # the sum of a zip's members as declared
MAX_MEMBERS = 100
MAX_RATIO = 100  # uncompressed : compressed, per member
# Members smaller than this are exempt from the ratio check: a short, repetitive CSV or an
# empty worksheet's XML can compress beyond 100:1 and cannot hurt anyone at that size.
RATIO_EXEMPT_BYTES = 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MAX_EXCEL_ROWS = 1_048_576  # Excel's own limit; a "row 99,999,999" is a forged file

FORMS = {".xlsx": "xlsx", ".zip": "zip", ".json": "json"}
XLSX_MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted .xlsx
_HOW_TO_SAVE = "Save it from Excel as 'Excel Workbook (.xlsx)'"


class RejectedFile(Exception):  # noqa: N818 - the name says what the submitter is told
    """The return cannot be read at all. `message` tells the submitter what to do about it;
    `sheet` and `row` locate the problem when it is known."""

    def __init__(self, message: str, *, sheet: str | None = None, row: int | None = None,
                 code: str = "rejected_file"):
        super().__init__(message)
        self.message = message
        self.sheet = sheet
        self.row = row
        self.code = code


def form_for(filename: str) -> str:
    """The form a file claims to be by its name: "xlsx", "zip" or "json"."""
    name = (filename or "").strip().lower()
    for extension, form in FORMS.items():
        if name.endswith(extension):
            return form
    if name.endswith((".xlsm", ".xltm", ".xlsb")):
        raise RejectedFile(f"'{filename}' is a macro-enabled or binary workbook, which the platform does "
                           f"not accept. {_HOW_TO_SAVE} and upload that.", code="macro_workbook")
    if name.endswith(".xls"):
        raise RejectedFile(f"'{filename}' is an old-style Excel file. {_HOW_TO_SAVE} and upload that.",
                           code="wrong_form")
    if name.endswith(".csv"):
        raise RejectedFile("A return is several sheets: put each sheet's CSV file (lines.csv, people.csv, "
                           "...) into one .zip file and upload the .zip.", code="wrong_form")
    raise RejectedFile(f"'{filename}' is not a form the platform accepts. Upload the return as an Excel "
                       "workbook (.xlsx), a .zip of CSV files (one per sheet) or a JSON document (.json).",
                       code="wrong_form")


def check_upload(data: bytes | BinaryIO, filename: str) -> str:
    """Refuse a file that is unsafe or not what its name claims; return its form.

    Call before `crossline.returns.readers.open_return`. Reads the size, the first bytes and
    (for .xlsx and .zip) the zip central directory only.
    """
    form = form_for(filename)
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    size = _size_of(file)
    if size == 0:
        raise RejectedFile(f"'{filename}' is empty.", code="empty_file")
    if size > MAX_UPLOAD_BYTES:
        raise RejectedFile(f"'{filename}' is {_megabytes(size)}; the most the platform accepts is "
                           f"{_megabytes(MAX_UPLOAD_BYTES)}. Split the return by period, or send it as "
                           ".xlsx, which is compressed.", code="too_large")
    head = file.read(8)
    file.seek(0)
    _check_not_other_binary(head, filename)
    if form == "json":
        _check_json_head(file, filename)
    else:
        if head.startswith(_EMPTY_ZIP_MAGIC):
            raise RejectedFile(f"'{filename}' is an empty zip file.", code="empty_file")
        if not head.startswith(_ZIP_MAGIC):
            raise RejectedFile(_not_really(filename, form), code="wrong_content")
        members = _check_zip(file, filename)
        if form == "xlsx":
            _check_xlsx(file, filename, members)
        else:
            _check_csv_zip(filename, members)
    file.seek(0)
    return form


def _size_of(file: BinaryIO) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _not_really(filename: str, form: str) -> str:
    if form == "xlsx":
        return f"'{filename}' is named .xlsx but is not an Excel workbook. {_HOW_TO_SAVE}."
    return f"'{filename}' is named .zip but is not a zip file. Put the CSV files into a .zip and upload that."


def _check_not_other_binary(head: bytes, filename: str) -> None:
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise RejectedFile(f"'{filename}' is a program, not a return.", code="wrong_content")
    if head.startswith(_OLE_MAGIC):
        raise RejectedFile(f"'{filename}' is an old-style (.xls) or password-protected workbook. "
                           f"{_HOW_TO_SAVE} without a password.", code="wrong_content")
    if head.startswith(b"%PDF"):
        raise RejectedFile(f"'{filename}' is a PDF, not a return.", code="wrong_content")


def _check_json_head(file: BinaryIO, filename: str) -> None:
    start = file.read(4096).lstrip(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    file.seek(0)
    if not start.startswith(b"{"):
        raise RejectedFile(f"'{filename}' is named .json but is not a JSON document (it should start with "
                           "'{'). Send the return as the JSON object the format describes.",
                           code="wrong_content")


def _unsafe_name(name: str) -> bool:
    normalised = name.replace("\\", "/")
    return (
        not normalised
        or normalised.startswith("/")
        or (len(normalised) > 1 and normalised[1] == ":")  # a drive letter: C:/...
        or ".." in normalised.split("/")
        or "\x00" in normalised
    )


def _check_zip(file: BinaryIO, filename: str) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except Exception as error:  # noqa: BLE001 - zipfile raises many kinds on a damaged file (IN-03)
        raise RejectedFile(f"'{filename}' is damaged and cannot be opened ({error}). "
                           "Save or zip it again and upload the new file.", code="damaged_file") from error
    if len(members) > MAX_MEMBERS:
        raise RejectedFile(f"'{filename}' holds {len(members)} files; the most the platform accepts is "
                           f"{MAX_MEMBERS}.", code="too_many_members")
    total = 0
    for member in members:
        if _unsafe_name(member.filename):
            raise RejectedFile(f"'{filename}' contains a file with an unsafe path ({member.filename!r}). "
                               "Zip only the CSV files themselves, without folders.", code="unsafe_member")
        if member.create_system == 3 and stat.S_ISLNK(member.external_attr >> 16):
            raise RejectedFile(f"'{filename}' contains a symbolic link ({member.filename!r}). "
                               "Zip the CSV files themselves.", code="unsafe_member")
        if member.flag_bits & 0x1:
            raise RejectedFile(f"'{filename}' is password-protected ({member.filename!r}). "
                               "Upload it without a password.", code="encrypted")
        total += member.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise RejectedFile(f"'{filename}' would expand to more than {_megabytes(MAX_UNCOMPRESSED_BYTES)}, "
                               "the most the platform accepts. Split the return.", code="too_large_expanded")
        if (member.file_size > RATIO_EXEMPT_BYTES
                and member.file_size > MAX_RATIO * max(member.compress_size, 1)):
            raise RejectedFile(f"'{filename}' is compressed more than {MAX_RATIO}:1 ({member.filename!r}), "
                               "which a genuine return never is. It has been refused as a possible "
                               "decompression bomb.", code="compression_ratio")
    return members


def _check_xlsx(file: BinaryIO, filename: str, members: list[zipfile.ZipInfo]) -> None:
    names = {member.filename: member for member in members}
    if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise RejectedFile(f"'{filename}' contains macros, which the platform never accepts. "
                           f"{_HOW_TO_SAVE}, which removes them.", code="macro_workbook")
    content_types = names.get("[Content_Types].xml")
    if content_types is None:
        raise RejectedFile(_not_really(filename, "xlsx") + " (It is a zip file without [Content_Types].xml.)",
                           code="wrong_content")
    if content_types.file_size > MAX_CONTENT_TYPES_BYTES:
        raise RejectedFile(f"'{filename}' has an implausibly large [Content_Types].xml. {_HOW_TO_SAVE}.",
                           code="wrong_content")
    try:
        with zipfile.ZipFile(file) as archive:
            xml = archive.read(content_types)
        tree = defusedxml.ElementTree.fromstring(xml)
    except Exception as error:  # noqa: BLE001 - zlib.error, defusedxml's refusals, ... (IN-03)
        raise RejectedFile(f"'{filename}' is damaged or not a genuine workbook ({error}). {_HOW_TO_SAVE}.",
                           code="damaged_file") from error
    types = {element.get("ContentType", "") for element in tree.iter()
             if element.tag in (f"{_CONTENT_TYPES_NS}Override", f"{_CONTENT_TYPES_NS}Default")}
    if any("macroenabled" in content_type.lower() or "vba" in content_type.lower() for content_type in types):
        raise RejectedFile(f"'{filename}' is a macro-enabled workbook (.xlsm renamed?), which the platform "
                           f"never accepts. {_HOW_TO_SAVE}.", code="macro_workbook")
    if XLSX_MAIN_CONTENT_TYPE not in types:
        kind = "a Word document" if any("wordprocessingml" in t for t in types) else (
            "a PowerPoint file" if any("presentationml" in t for t in types) else "not an Excel workbook")
        raise RejectedFile(f"'{filename}' is named .xlsx but is {kind}. {_HOW_TO_SAVE}.", code="wrong_content")


def _check_csv_zip(filename: str, members: list[zipfile.ZipInfo]) -> None:
    seen = set()
    for member in members:
        if member.is_dir():
            raise RejectedFile(f"'{filename}' contains a folder ({member.filename!r}). Zip the CSV files "
                               "themselves, without folders.", code="unexpected_member")
        name = member.filename
        sheet = name[:-4] if name.endswith(".csv") else None
        if sheet not in SHEETS:
            known = ", ".join(f"{sheet}.csv" for sheet in SHEETS)
            raise RejectedFile(f"'{filename}' contains {name!r}, which is not a sheet of the return. The zip "
                               f"may hold only {known} (lower-case names, no folders).",
                               code="unexpected_member")
        if sheet in seen:
            raise RejectedFile(f"'{filename}' contains {name!r} twice.", code="unexpected_member")
        seen.add(sheet)
