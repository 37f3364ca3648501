"""Reading a force's results from an uploaded spreadsheet: the template's two columns, `field`
and `value`, one figure a row, as an Excel workbook (.xlsx) or a CSV file.

    read = results_read(content, filename)
    read.raw        # {field: Raw(value, sheet, row, column)} for the validator
    read.force, read.week   # the force and week rows, if the file has them
    read.errors     # located problems with the file itself (unknown or repeated fields...)

The file passes the returns' upload limits first (size, zip bomb, macros, content type: IN-01,
IN-02), and is read with the returns' streaming xlsx reader, which reports a formula as a
formula rather than its cached value (IN-04). Whatever fails while reading becomes a located
problem, never a 500 (IN-03).
"""

import csv
import io
import logging
from dataclasses import dataclass, field

from crossline.intensification.figures import BY_KEY, FIGURES
from crossline.intensification.validate import Problem, Raw
from crossline.returns.readers import CellError, Formula, XlsxSource
from crossline.returns.safety import RejectedFile, check_upload

logger = logging.getLogger(__name__)

MAX_CSV_BYTES = 256 * 1024  # the template filled in is under 2 KB
MAX_XLSX_BYTES = 2 * 1024 * 1024  # and under 10 KB as a workbook
MAX_ROWS = 200
SHEET = "results"
FIELD, VALUE = "field", "value"
HEADER_ROWS = ("week", "force")  # rows that say what the file is for, not figures
_LABELS = {figure.label.strip().lower(): figure.key for figure in FIGURES}


@dataclass
class ResultsFile:
    form: str = ""
    sheet: str = SHEET
    raw: dict[str, Raw] = field(default_factory=dict)
    week: Raw | None = None
    force: Raw | None = None
    errors: list[Problem] = field(default_factory=list)


def _file_problem(message: str, code: str, *, sheet: str | None = None, row: int | None = None) -> Problem:
    return Problem("file", message, code, "", sheet, row, None)


def results_read(content: bytes, filename: str) -> ResultsFile:
    name = (filename or "").strip().lower()
    read = ResultsFile()
    try:
        if name.endswith(".csv"):
            read.form = "csv"
            rows = _csv_rows(content, read)
        elif name.endswith(".xlsx"):
            read.form = "xlsx"
            if len(content) > MAX_XLSX_BYTES:
                raise RejectedFile(f"The selected file must be smaller than {MAX_XLSX_BYTES // (1024 * 1024)} MB: the "
                                   "results template is one row a figure", code="too_large")
            check_upload(content, filename)
            rows = _xlsx_rows(content, read)
        else:
            read.errors.append(_file_problem(
                f"‘{filename}’ is not a file Crossline can read. Upload the template as an Excel workbook (.xlsx) "
                "or a CSV file (.csv)", "wrong_form"))
            return read
        _take(rows, read)
    except RejectedFile as rejection:
        read.errors.append(_file_problem(rejection.message, rejection.code, sheet=rejection.sheet, row=rejection.row))
    except Exception as error:  # noqa: BLE001 - any parser failure is a located rejection, never a 500 (IN-03)
        logger.warning("Intensification results file could not be read: %s", type(error).__name__)
        read.errors.append(_file_problem(
            f"Crossline could not read this file ({type(error).__name__}). Check that it opens, save it again "
            "and upload the new file", "unreadable"))
    return read


def _csv_rows(content: bytes, read: ResultsFile):
    if not content:
        raise RejectedFile("The selected file is empty", code="empty_file")
    if len(content) > MAX_CSV_BYTES:
        raise RejectedFile(f"The selected file must be smaller than {MAX_CSV_BYTES // 1024} KB: the results "
                           "template is one row a figure", code="too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise RejectedFile(f"Line {line} is not UTF-8 text. Save the file as ‘CSV UTF-8’ and upload it again",
                           sheet=SHEET, row=line, code="not_utf8") from error
    if "\x00" in text:
        raise RejectedFile("The file holds NUL characters, so it is not a CSV file", code="wrong_content")
    read.sheet = SHEET
    return ((number, row) for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1))


def _xlsx_rows(content: bytes, read: ResultsFile):
    source = XlsxSource(io.BytesIO(content))
    try:
        names = source.sheet_names()
        sheet = SHEET if SHEET in names else (names[0] if len(names) == 1 else None)
        if sheet is None:
            raise RejectedFile(f"The workbook has no sheet called ‘{SHEET}’. Use the template, or name the sheet "
                               f"with your results ‘{SHEET}’", code="no_sheet")
        read.sheet = sheet
        rows = []
        for row_number, cells in source.workbook.rows(sheet, formula=Formula, cell_error=CellError,
                                                      position=[0]):
            if row_number > MAX_ROWS:
                raise RejectedFile(f"The sheet has more than {MAX_ROWS} rows: the template has one row a figure",
                                   sheet=sheet, row=row_number, code="too_many_rows")
            values: list[object] = [None] * (max((column for column, _ in cells), default=0))
            for column, value in cells:
                values[column - 1] = value
            rows.append((row_number, values))
        return rows
    finally:
        source.close()


def _take(rows, read: ResultsFile) -> None:
    """Put each row's value under its field, noting unknown, repeated and missing fields."""
    sheet = read.sheet
    header: list[str] | None = None
    field_column = value_column = 0
    seen: dict[str, int] = {}
    for row_number, values in rows:
        if row_number > MAX_ROWS:
            raise RejectedFile(f"The file has more than {MAX_ROWS} rows: the template has one row a figure",
                               sheet=sheet, row=row_number, code="too_many_rows")
        if header is None:
            if not any(value not in (None, "") for value in values):
                continue  # blank lines above the header
            header = [str(value or "").strip().lower() for value in values]
            if FIELD not in header or VALUE not in header:
                raise RejectedFile(f"Row 1 must name the columns ‘{FIELD}’ and ‘{VALUE}’, as the template does",
                                   sheet=sheet, row=row_number, code="no_header")
            field_column, value_column = header.index(FIELD), header.index(VALUE)
            continue
        name = values[field_column] if field_column < len(values) else None
        value = values[value_column] if value_column < len(values) else None
        if isinstance(value, str) and not value.strip():
            value = None
        text = "" if name is None else str(getattr(name, "text", name)).strip()
        if not text:
            if value is not None:
                read.errors.append(Problem("file", "This row has a value but no field. Say which figure it is",
                                           "no_field", str(value)[:200], sheet, row_number, FIELD))
            continue
        key = text.lower().replace(" ", "_")
        key = key if key in BY_KEY or key in HEADER_ROWS else _LABELS.get(text.lower(), key)
        if key not in BY_KEY and key not in HEADER_ROWS:
            read.errors.append(Problem("file", f"‘{text[:60]}’ is not a figure in the results template. Use the "
                                       "field names in the template", "unknown_field", text[:200], sheet,
                                       row_number, FIELD))
            continue
        if key in seen:
            read.errors.append(Problem(key, f"‘{key}’ is given twice, in rows {seen[key]} and {row_number}. Keep "
                                       "one of them", "repeated_field", text[:200], sheet, row_number, FIELD))
            continue
        seen[key] = row_number
        raw = Raw(value, sheet, row_number, VALUE)
        if key == "week":
            read.week = raw
        elif key == "force":
            read.force = raw
        else:
            read.raw[key] = raw
    if header is None:
        raise RejectedFile("The file is empty: fill in the results template and upload it", code="empty_file")
    for figure in FIGURES:
        if figure.required and figure.key not in read.raw:
            read.errors.append(Problem(figure.key, f"There is no row for ‘{figure.key}’ ({figure.label}). Add it, "
                                       "with 0 if there were none", "missing_field", "", sheet, None, FIELD))
