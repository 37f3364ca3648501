"""The league table as a spreadsheet (CSV or .xlsx), safe to open: a text cell that a spreadsheet
would take for a formula is written as text (audit.exports.safe_cell, IN-04)."""

import csv
import io

import openpyxl

from crossline.audit.exports import safe_cell
from crossline.compliance.selectors import League

HEADERS = ["Force", "Force code", "Returns due so far", "On time", "Late", "Missing", "Due (not yet late)",
           "On time %", "Rejected attempts", "Completeness %", "Quality %"]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def league_rows(league: League) -> list[list]:
    rows = []
    for row in league.rows:
        summary, scores = row.summary, row.scores
        rows.append([row.force.force_name, row.force.pk, summary.expected, summary.on_time, summary.late,
                     summary.missing, summary.due, _percent(summary.on_time_rate), summary.rejected_attempts,
                     _percent(scores.completeness_rate), _percent(scores.quality_rate)])
    return rows


def league_csv(league: League) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for values in league_rows(league):
        writer.writerow([safe_cell(value) if isinstance(value, str) else ("" if value is None else value)
                         for value in values])
    return buffer.getvalue()


def league_xlsx(league: League) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "League table"
    sheet.append(HEADERS)
    for values in league_rows(league):
        sheet.append([None] * len(values))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = safe_cell(value) if isinstance(value, str) else value
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a live formula, whatever it starts with
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
