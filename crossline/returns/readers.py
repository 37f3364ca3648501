"""Read a return in any of its three forms into one shape: rows of raw cells per sheet.

    source = read_upload(data, filename)       # safety checks, then the right reader
    source.sheet_names()                       # sheets in the file, as named there
    source.header(sheet)                       # column names as written in row 1 (None: no header row)
    for row in source.rows(sheet): ...         # SheetRow(sheet, row_number, cells)

Rows are streamed (xlsx in openpyxl's read-only mode, CSV straight out of the zip), so memory
does not grow with the number of rows; a JSON document is parsed whole, within MAX_JSON_BYTES.
Row numbers are those a submitter sees: the spreadsheet row (header = 1) or, in JSON, the
position in the array plus one (`row_label` says "item N" there). Blank rows are skipped.

Cells hold raw values: str, int, float, bool, datetime, a JSON list, or a `Formula` /
`CellError` for what a spreadsheet cell held instead of data. A cell under no header is
keyed "". Judging values is validate.py's job; a file that cannot be read at all raises
RejectedFile, whatever the underlying library raised (IN-03: never a 500).
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import openpyxl
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from crossline.returns.safety import MAX_EXCEL_ROWS, MAX_UPLOAD_BYTES, RejectedFile, check_upload

MAX_JSON_BYTES = MAX_UPLOAD_BYTES
MAX_CSV_FIELD_CHARS = 100_000
MAX_CSV_LINE_BYTES = 1024 * 1024
NO_HEADER = ""  # the key of a cell whose column has no name in row 1


@dataclass(slots=True)
class SheetRow:
    sheet: str
    row_number: int
    cells: dict[str, object]


@dataclass(frozen=True, slots=True)
class Formula:
    """A spreadsheet cell holding a formula: never evaluated, never stored (IN-04)."""

    text: str


@dataclass(frozen=True, slots=True)
class CellError:
    """A spreadsheet cell holding an error value such as #N/A or #REF!."""

    text: str


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


class ReturnSource:
    """The rows of one return. Use as a context manager, or call close()."""

    form = ""

    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def header(self, sheet: str) -> tuple[str, ...] | None:
        raise NotImplementedError

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        raise NotImplementedError

    def row_label(self, row_number: int) -> str:
        return f"row {row_number}"

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _header_names(values) -> tuple[str, ...]:
    return tuple(NO_HEADER if _is_blank(value) else str(value).strip() for value in values)


def _cells(header: tuple[str, ...], values) -> dict[str, object]:
    cells: dict[str, object] = {}
    width = len(header)
    for index, value in enumerate(values):
        if _is_blank(value):
            continue
        name = header[index] if index < width else NO_HEADER
        cells.setdefault(name, value)
    return cells


# --- .xlsx ----------------------------------------------------------------------------------
class XlsxSource(ReturnSource):
    form = "xlsx"

    def __init__(self, file: BinaryIO):
        try:
            # data_only=False so that a formula arrives as a formula (data_type "f"), never as
            # its cached value, and never as None when it has no cached value (IN-04).
            self.workbook = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False,
                                                   keep_vba=False, rich_text=False)
        except Exception as error:  # noqa: BLE001 - openpyxl raises anything on a damaged file (IN-03)
            raise RejectedFile(f"The workbook is damaged and cannot be read ({type(error).__name__}). "
                               "Open it in Excel, save it again as .xlsx and upload the new file.",
                               code="damaged_file") from error

    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def _worksheet(self, sheet: str) -> ReadOnlyWorksheet:
        worksheet = self.workbook[sheet]
        if not isinstance(worksheet, ReadOnlyWorksheet):
            raise RejectedFile(f"Sheet '{sheet}' is a chart, not a table of rows.", sheet=sheet,
                               code="damaged_file")
        # The stored dimension can be wrong (and openpyxl would stop reading at it): read every row.
        worksheet.reset_dimensions()
        return worksheet

    def header(self, sheet: str) -> tuple[str, ...] | None:
        try:
            for row in self._worksheet(sheet).iter_rows(max_row=1, values_only=True):
                header = _header_names(row)
                return header if any(header) else None
        except RejectedFile:
            raise
        except Exception as error:  # noqa: BLE001 - IN-03
            raise _damaged_sheet(sheet, 1, error) from error
        return None

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        row_number = 0
        try:
            header: tuple[str, ...] = ()
            for row_number, row in enumerate(self._worksheet(sheet).iter_rows(), start=1):
                if row_number > MAX_EXCEL_ROWS:
                    raise RejectedFile(f"Sheet '{sheet}' claims more rows than Excel allows: the workbook "
                                       "is damaged.", sheet=sheet, code="damaged_file")
                if row_number == 1:
                    header = _header_names(cell.value for cell in row)
                    continue
                cells = _cells(header, (_xlsx_value(cell) for cell in row))
                if cells:
                    yield SheetRow(sheet, row_number, cells)
        except RejectedFile:
            raise
        except Exception as error:  # noqa: BLE001 - IN-03
            raise _damaged_sheet(sheet, row_number, error) from error

    def row_label(self, row_number: int) -> str:
        return f"row {row_number}"

    def close(self) -> None:
        self.workbook.close()


def _xlsx_value(cell) -> object:
    value = cell.value
    if value is None:
        return None
    data_type = cell.data_type
    if data_type == "f":
        return Formula(value if isinstance(value, str) else str(getattr(value, "text", "") or value))
    if data_type == "e":
        return CellError(str(value))
    return value


def _damaged_sheet(sheet: str, row_number: int, error: Exception) -> RejectedFile:
    where = f" at row {row_number}" if row_number else ""
    return RejectedFile(f"Sheet '{sheet}' is damaged and cannot be read{where} ({type(error).__name__}). "
                        "Open the workbook in Excel, save it again as .xlsx and upload the new file.",
                        sheet=sheet, row=row_number or None, code="damaged_file")


# --- .zip of CSV files ----------------------------------------------------------------------
class CsvZipSource(ReturnSource):
    form = "zip"

    def __init__(self, file: BinaryIO):
        try:
            self.archive = zipfile.ZipFile(file)
            self.members = {info.filename[:-4]: info for info in self.archive.infolist()
                            if info.filename.endswith(".csv")}
        except Exception as error:  # noqa: BLE001 - IN-03
            raise RejectedFile(f"The zip file is damaged and cannot be read ({type(error).__name__}). "
                               "Zip the CSV files again and upload the new file.", code="damaged_file") from error

    def sheet_names(self) -> list[str]:
        return list(self.members)

    def _records(self, sheet: str) -> Iterator[list[str]]:
        with self.archive.open(self.members[sheet]) as raw:
            yield from csv.reader(self._lines(sheet, raw), strict=True)

    @staticmethod
    def _lines(sheet: str, raw: BinaryIO) -> Iterator[str]:
        # Decoded a line at a time (rather than through TextIOWrapper's 8 KB chunks) so that
        # text that is not UTF-8 is reported on the line where it is.
        for number, line in enumerate(iter(lambda: raw.readline(MAX_CSV_LINE_BYTES), b""), start=1):
            if len(line) == MAX_CSV_LINE_BYTES and not line.endswith(b"\n"):
                raise RejectedFile(f"{sheet}.csv line {number} is longer than {MAX_CSV_LINE_BYTES:,} bytes: check "
                                   "that the file really is CSV.", sheet=sheet, row=number, code="damaged_file")
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise RejectedFile(f"{sheet}.csv is not UTF-8 text (line {number}). In Excel, save it as "
                                   "'CSV UTF-8 (Comma delimited)'.", sheet=sheet, row=number,
                                   code="not_utf8") from error
            yield text.removeprefix("\ufeff") if number == 1 else text

    def header(self, sheet: str) -> tuple[str, ...] | None:
        for _row_number, record in self._read(sheet):
            header = _header_names(record)
            return header if any(header) else None
        return None

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        header: tuple[str, ...] = ()
        for row_number, record in self._read(sheet):
            if row_number == 1:
                header = _header_names(record)
                continue
            cells = _cells(header, record)
            if cells:
                yield SheetRow(sheet, row_number, cells)

    def _read(self, sheet: str) -> Iterator[tuple[int, list[str]]]:
        # Numbered by record, as a spreadsheet program shows the CSV (a quoted cell may span lines).
        row_number = 0
        try:
            for row_number, record in enumerate(self._records(sheet), start=1):
                if any(len(field) > MAX_CSV_FIELD_CHARS for field in record):
                    raise RejectedFile(f"{sheet}.csv row {row_number} has a cell longer than "
                                       f"{MAX_CSV_FIELD_CHARS:,} characters: check its quotes.",
                                       sheet=sheet, row=row_number, code="damaged_file")
                yield row_number, record
        except RejectedFile:
            raise
        except csv.Error as error:
            raise RejectedFile(f"{sheet}.csv cannot be read as CSV at row {row_number + 1} ({error}). Check "
                               "the quotes in that row.", sheet=sheet, row=row_number + 1,
                               code="damaged_file") from error
        except Exception as error:  # noqa: BLE001 - zlib.error, BadZipFile (bad CRC), ... (IN-03)
            raise RejectedFile(f"{sheet}.csv is damaged inside the zip ({type(error).__name__}). Zip the CSV "
                               "files again and upload the new file.", sheet=sheet, row=row_number or None,
                               code="damaged_file") from error

    def close(self) -> None:
        self.archive.close()


# --- JSON -----------------------------------------------------------------------------------
class JsonSource(ReturnSource):
    """The JSON form: {"return": {...}, "lines": [{...}, ...], ...}."""

    form = "json"

    def __init__(self, file: BinaryIO | bytes | str | dict):
        self.document = file if isinstance(file, dict) else _load_json(file)
        if not isinstance(self.document, dict):
            raise RejectedFile("The JSON document must be an object with one member per sheet "
                               '("return", "lines", "people", ...).', code="damaged_file")
        for sheet, value in self.document.items():
            if sheet == "return":
                if not isinstance(value, dict):
                    raise RejectedFile('"return" must be an object of field: value pairs.', sheet=sheet,
                                       code="damaged_file")
            elif not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise RejectedFile(f'"{sheet}" must be an array of objects, one per record.', sheet=sheet,
                                   code="damaged_file")

    def sheet_names(self) -> list[str]:
        return list(self.document)

    def header(self, sheet: str) -> tuple[str, ...] | None:
        value = self.document[sheet]
        if sheet == "return":
            return ("field", "value")
        columns: dict[str, None] = {}
        for item in value:
            columns.update(dict.fromkeys(item))
        return tuple(columns) or None

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        value = self.document[sheet]
        items = ({"field": field, "value": cell} for field, cell in value.items()) if sheet == "return" else value
        for index, item in enumerate(items, start=1):
            cells = {column: cell for column, cell in item.items() if not _is_blank(cell)}
            if cells:
                yield SheetRow(sheet, index + 1, cells)

    def row_label(self, row_number: int) -> str:
        return f"item {row_number - 1}"


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _object_without_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f'the key "{key}" appears twice in one object')
        result[key] = value
    return result


def _load_json(file: BinaryIO | bytes | str) -> object:
    if isinstance(file, str):
        data = file.encode("utf-8")
    elif isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        data = file.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise RejectedFile(f"The JSON document is larger than {MAX_JSON_BYTES // (1024 * 1024)} MB.",
                           code="too_large")
    try:
        text = data.decode("utf-8-sig")
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_object_without_duplicates)
    except UnicodeDecodeError as error:
        raise RejectedFile("The JSON document is not UTF-8 text.", code="not_utf8") from error
    except json.JSONDecodeError as error:
        raise RejectedFile(f"The JSON document is not valid JSON: {error.msg} at line {error.lineno}, "
                           f"column {error.colno}.", code="damaged_file") from error
    except RecursionError as error:
        raise RejectedFile("The JSON document is nested too deeply.", code="damaged_file") from error
    except ValueError as error:  # duplicate keys, NaN, a number too long to convert
        raise RejectedFile(f"The JSON document cannot be read: {error}.", code="damaged_file") from error


# --- In memory (tests, benchmarks, and callers that already hold rows) ----------------------
class MemorySource(ReturnSource):
    """Rows already in memory: {"return": {field: value}, "lines": [{column: value}, ...], ...}.
    `headers` gives each sheet's header row; by default the columns used by its rows."""

    def __init__(self, sheets: dict, *, headers: dict[str, tuple[str, ...]] | None = None, form: str = "memory"):
        self.headers = dict(headers or {})
        self.form = form
        self.sheets: dict[str, list[SheetRow]] = {}
        for sheet, rows in sheets.items():
            if isinstance(rows, dict):
                rows = [{"field": field, "value": value} for field, value in rows.items()]
                self.headers.setdefault(sheet, ("field", "value"))
            columns: dict[str, None] = {}
            kept = []
            for index, row in enumerate(rows, start=2):
                columns.update(dict.fromkeys(row))
                cells = {column: value for column, value in row.items() if not _is_blank(value)}
                if cells:
                    kept.append(SheetRow(sheet, index, cells))
            self.headers.setdefault(sheet, tuple(columns) or None)
            self.sheets[sheet] = kept

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def header(self, sheet: str) -> tuple[str, ...] | None:
        return self.headers[sheet]

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        return iter(self.sheets[sheet])


def open_return(file: BinaryIO | bytes, form: str) -> ReturnSource:
    """A reader for a file already through `check_upload`."""
    stream = io.BytesIO(file) if isinstance(file, bytes | bytearray) else file
    if form == "xlsx":
        return XlsxSource(stream)
    if form == "zip":
        return CsvZipSource(stream)
    if form == "json":
        return JsonSource(stream)
    raise ValueError(f"unknown form {form!r}")


def read_upload(data: bytes | BinaryIO, filename: str) -> ReturnSource:
    """Check an uploaded file against the limits, then open it. Raises RejectedFile."""
    form = check_upload(data, filename)
    return open_return(data, form)
