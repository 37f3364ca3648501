"""Read a return in any of its three forms into one shape: rows of raw cells per sheet.

    source = read_upload(data, filename)       # safety checks, then the right reader
    source.sheet_names()                       # sheets in the file, as named there
    source.header(sheet)                       # column names as written in row 1 (None: no header row)
    for row in source.rows(sheet): ...         # SheetRow(sheet, row_number, cells)

Rows are streamed (xlsx through crossline.returns.xlsx, CSV straight out of the zip), so memory
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

from crossline.returns import xlsx
from crossline.returns.safety import MAX_UPLOAD_BYTES, RejectedFile, check_upload

MAX_JSON_BYTES = MAX_UPLOAD_BYTES
MAX_CSV_FIELD_CHARS = 100_000
MAX_CSV_LINE_CHARS = 1024 * 1024
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


def _cells(header: tuple[str, ...], values: list[str]) -> dict[str, object]:
    """A CSV record's non-blank cells by column name (every CSV value is text); where two columns
    have one name, the first that holds something."""
    cells: dict[str, object] = {}
    for name, value in zip(header, values, strict=False):
        if value and not value.isspace() and name not in cells:
            cells[name] = value
    if len(values) > len(header):
        for value in values[len(header):]:
            if value and not value.isspace() and NO_HEADER not in cells:
                cells[NO_HEADER] = value
    return cells


# --- .xlsx ----------------------------------------------------------------------------------
class XlsxSource(ReturnSource):
    """Read with crossline.returns.xlsx: expat over each worksheet as it is inflated, one row held
    at a time; a formula arrives as a `Formula` whatever value it has cached (IN-04)."""

    form = "xlsx"

    def __init__(self, file: BinaryIO):
        try:
            self.workbook = xlsx.Workbook(file)
        except Exception as error:  # noqa: BLE001 - any fault in the package, whatever raised it (IN-03)
            raise RejectedFile(f"The workbook is damaged and cannot be read ({_reason(error)}). "
                               "Open it in Excel, save it again as .xlsx and upload the new file.",
                               code="damaged_file") from error

    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheet_names)

    def _rows(self, sheet: str, position: list) -> Iterator[tuple[int, list]]:
        if self.workbook.kind(sheet) != "worksheet":
            raise RejectedFile(f"Sheet '{sheet}' is a chart (or dialog) sheet, not a table of rows.", sheet=sheet,
                               code="damaged_file")
        return self.workbook.rows(sheet, formula=Formula, cell_error=CellError, position=position)

    def header(self, sheet: str) -> tuple[str, ...] | None:
        position = [0]
        try:
            for row_number, cells in self._rows(sheet, position):
                if row_number != 1:
                    return None
                header = _xlsx_header(cells)
                return header if any(header) else None
        except RejectedFile:
            raise
        except Exception as error:  # noqa: BLE001 - IN-03
            raise _damaged_sheet(sheet, position[0], error) from error
        return None

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        position = [0]
        try:
            header: tuple[str, ...] = ()
            width = 0
            for row_number, cells in self._rows(sheet, position):
                if row_number == 1:
                    header = _xlsx_header(cells)
                    width = len(header)
                    continue
                named: dict[str, object] = {}
                for column, value in cells:
                    if type(value) is str and (not value or value.isspace()):
                        continue
                    named.setdefault(header[column - 1] if column <= width else NO_HEADER, value)
                if named:
                    yield SheetRow(sheet, row_number, named)
        except RejectedFile:
            raise
        except Exception as error:  # noqa: BLE001 - IN-03
            raise _damaged_sheet(sheet, position[0], error) from error

    def close(self) -> None:
        self.workbook.close()


def _xlsx_header(cells: list[tuple[int, object]]) -> tuple[str, ...]:
    values: list[object] = [None] * max(column for column, _ in cells)
    for column, value in cells:
        values[column - 1] = value.text if isinstance(value, Formula | CellError) else value
    return _header_names(values)


def _reason(error: Exception) -> str:
    return str(error) if isinstance(error, xlsx.Damaged) else type(error).__name__


def _damaged_sheet(sheet: str, row_number: int, error: Exception) -> RejectedFile:
    where = f" at row {row_number}" if row_number else ""
    return RejectedFile(f"Sheet '{sheet}' is damaged and cannot be read{where} ({_reason(error)}). "
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
            # utf-8-sig: Excel's "CSV UTF-8" starts with a byte order mark, which is not data.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                yield from csv.reader(self._lines(sheet, text), strict=True)
            except UnicodeDecodeError as error:
                number = self._undecodable_line(sheet)
                raise RejectedFile(f"{sheet}.csv is not UTF-8 text (line {number}). In Excel, save it as "
                                   "'CSV UTF-8 (Comma delimited)'.", sheet=sheet, row=number,
                                   code="not_utf8") from error

    @staticmethod
    def _lines(sheet: str, text: io.TextIOWrapper) -> Iterator[str]:
        for number, line in enumerate(iter(lambda: text.readline(MAX_CSV_LINE_CHARS), ""), start=1):
            if len(line) == MAX_CSV_LINE_CHARS and line[-1] not in "\r\n":
                raise RejectedFile(f"{sheet}.csv line {number} is longer than {MAX_CSV_LINE_CHARS:,} characters: "
                                   "check that the file really is CSV.", sheet=sheet, row=number, code="damaged_file")
            yield line

    def _undecodable_line(self, sheet: str) -> int | None:
        """The first line that is not UTF-8, found again a line at a time (the file is refused anyway)."""
        with self.archive.open(self.members[sheet]) as raw:
            for number, line in enumerate(iter(lambda: raw.readline(4 * MAX_CSV_LINE_CHARS), b""), start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return number
        return None

    def header(self, sheet: str) -> tuple[str, ...] | None:
        for _row_number, record in self._read(sheet):
            header = _header_names(record)
            return header if any(header) else None
        return None

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        header: tuple[str, ...] = ()
        width, distinct = 0, True
        for row_number, record in self._read(sheet):
            if row_number == 1:
                header = _header_names(record)
                width, distinct = len(header), len(set(header)) == len(header)
                continue
            if distinct and len(record) <= width:  # nearly every row: one pass in C
                cells = {name: value for name, value in zip(header, record, strict=False)
                         if value and not value.isspace()}
            else:
                cells = _cells(header, record)
            if cells:
                yield SheetRow(sheet, row_number, cells)

    def _read(self, sheet: str) -> Iterator[tuple[int, list[str]]]:
        # Numbered by record, as a spreadsheet program shows the CSV (a quoted cell may span lines).
        row_number = 0
        try:
            for row_number, record in enumerate(self._records(sheet), start=1):
                if record and max(map(len, record)) > MAX_CSV_FIELD_CHARS:
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
