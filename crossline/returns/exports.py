"""Spreadsheets the returns pages hand out (error reports), safe to open in Excel (IN-04).

Any text that a spreadsheet would take for a formula gets an apostrophe in front (the rule
the audit export follows, `crossline.audit.exports.safe_cell`), and every xlsx cell is written
as a string, never a formula or a number. What an xlsx cannot hold is made visible rather than
dropped: a control character becomes U+FFFD and a carriage return a line break (Excel's own).
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from crossline.audit.exports import safe_cell
from crossline.returns.models import SubmissionIssue

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CELL_MAX = 32_767  # Excel's limit; openpyxl would cut it silently
# XML 1.0 forbids these characters, so no xlsx can hold them.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ERROR_REPORT_COLUMNS = ("Severity", "Sheet", "Row", "Column", "Value", "Problem", "Code")


def xlsx_text(value) -> str:
    """The text an xlsx cell holds for `value`: formula-safe, and what the file format can carry."""
    text = safe_cell(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NOT_IN_XML.sub("\ufffd", text)
    text = text.encode("utf-8", "replace").decode("utf-8")  # an unpaired surrogate cannot be written
    return text[:XLSX_CELL_MAX]


def xlsx_workbook(sheets: Iterable[tuple[str, Iterable[str], Iterable[Iterable]]]) -> bytes:
    """A workbook of (sheet title, header, rows); every cell a string."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([_string_cell(sheet, label, font=bold) for label in header])
        for row in rows:
            sheet.append([_string_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _string_cell(sheet, value, *, font=None) -> WriteOnlyCell:
    text = xlsx_text(value)
    # Empty text is an empty cell: openpyxl would write a string cell with no string in it.
    cell = WriteOnlyCell(sheet, value=text or None)
    if text:
        cell.data_type = "s"  # openpyxl would make "=..." a formula; the prefix already stops that, this makes sure
    if font is not None:
        cell.font = font
    return cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV lines, one per row, produced as they are read so that a large report streams."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    yield writer.writerow([safe_cell(label) for label in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def _row_label(issue: SubmissionIssue, form: str):
    if issue.row is None:
        return ""
    return f"item {issue.row - 1}" if form == "json" else issue.row


def error_report_rows(issues: Iterable[SubmissionIssue], *, form: str) -> Iterator[tuple]:
    for issue in issues:
        yield (issue.get_severity_display(), issue.sheet or "file", _row_label(issue, form), issue.column,
               issue.value, issue.message, issue.code)


def error_report_xlsx(issues: Iterable[SubmissionIssue], *, form: str) -> bytes:
    return xlsx_workbook([("errors", ERROR_REPORT_COLUMNS, error_report_rows(issues, form=form))])


def error_report_csv(issues: Iterable[SubmissionIssue], *, form: str) -> Iterator[str]:
    return csv_lines(ERROR_REPORT_COLUMNS, error_report_rows(issues, form=form))
