"""Small returns for tests, written in any of the three forms from one description.

A return is described as the JSON form describes it (a dict of sheets; multi-valued cells as
lists); `as_xlsx`, `as_zip` and `as_json` write it out as a submitter would.
"""

import copy
import csv
import io
import json
import zipfile
from datetime import date

import openpyxl

from crossline.returns.format import SHEETS

TODAY = date(2026, 11, 26)  # tests validate "as of" this day


def sample_return() -> dict:
    """A valid return touching every sheet: a line, a child runner and an adult line holder,
    a cuckooed address, a car and a seizure."""
    return copy.deepcopy({
        "return": {
            "format_version": 1, "force": "E23000010", "period_start": "2026-10-01", "period_end": "31/10/2026",
            "submitted_by": "DS A. Analyst, Force Intelligence Bureau", "contact_email": "fib@example.police.uk",
        },
        "lines": [{
            "line_ref": "WY-L-0042", "line_name": "JAY", "deal_numbers": ["07700 900123", "+447700900124"],
            "exporting_area": "E23000010", "importing_areas": ["North Yorkshire", "E06000014"],
            "drugs": ["crack cocaine", "heroin"], "status": "active", "first_reported": "2026-03-01",
            "violence": "Y", "weapons": ["knife"],
            "source_eval": "R", "intel_assessment": "2", "handling_code": "P",
        }],
        "people": [
            {
                "person_ref": "WY-P-1", "surname": "Smith", "forenames": "Jay  Lee", "date_of_birth": "01/05/2010",
                "gender": "male", "phone_numbers": ["07700 900555"], "postcode": "ls1 4ap",
                "roles": ["runner"], "line_refs": ["WY-L-0042"], "vulnerable": "Y",
                "vulnerability_factors": ["under_18", "missing-episodes", "looked_after"],
                "looked_after_by": "Leeds", "nrm_status": "referred",
                "source_eval": "U", "intel_assessment": "3", "handling_code": "C",
                "handling_conditions": "Share with children's services only",
            },
            {
                "person_ref": "WY-P-2", "surname": "O'Brien", "forenames": "Dean", "aliases": ["D", "Deano"],
                "date_of_birth": "1990-02-03", "pnc_id": "09/123456c", "phone_numbers": ["0113 496 0000"],
                "roles": ["line_holder", "controller"], "line_refs": ["WY-L-0042"], "vulnerable": "N",
                "source_eval": "R", "intel_assessment": "1", "handling_code": "P",
            },
        ],
        "locations": [{
            "location_ref": "WY-A-7", "type": "cuckooed address", "address": "Flat 3, 1 Example Street, Leeds",
            "postcode": "LS9 8AB", "uprn": "72012345", "line_refs": ["WY-L-0042"], "person_refs": ["WY-P-1"],
            "source_eval": "R", "intel_assessment": "2", "handling_code": "P",
        }],
        "vehicles": [{
            "vehicle_ref": "WY-V-1", "vrm": "ab12 cde", "make": "Ford", "colour": "Silver",
            "person_refs": ["WY-P-2"], "source_eval": "U", "intel_assessment": "3", "handling_code": "P",
        }],
        "events": [{
            "event_ref": "WY-E-1", "date": "15/10/2026", "type": "drug_seizure", "location_ref": "WY-A-7",
            "person_refs": ["WY-P-2"], "drug": "heroin", "quantity_grams": "12.5", "cash_gbp": "1,250",
            "source_eval": "R", "intel_assessment": "1", "handling_code": "P",
        }],
    })


def _headers(doc: dict, sheet: str) -> list[str]:
    if sheet == "return":
        return ["field", "value"]
    columns: dict[str, None] = {}
    for item in doc[sheet]:
        columns.update(dict.fromkeys(item))
    # A sheet with no records still carries its header row, as the template does.
    return list(columns) or list(SHEETS[sheet].columns)


def _rows(doc: dict, sheet: str) -> list[list]:
    if sheet == "return":
        return [[field, value] for field, value in doc["return"].items()]
    header = _headers(doc, sheet)
    return [[item.get(column) for column in header] for item in doc[sheet]]


def _cell_text(value) -> object:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return value


def as_xlsx(doc: dict, *, real_dates: bool = False, formulas: bool = False) -> bytes:
    """The return as an Excel workbook. Text is written as text, even when it starts with "=",
    unless `formulas` (then "=..." is a live formula, as someone typing it into Excel makes).
    `real_dates` writes ISO dates as date cells, as Excel does when someone types a date."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in doc:
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(_headers(doc, sheet))
        for row in _rows(doc, sheet):
            worksheet.append([None] * len(row))
            for column, value in enumerate(row, start=1):
                cell = worksheet.cell(row=worksheet.max_row, column=column)
                value = _cell_text(value)
                if real_dates and isinstance(value, str) and _is_iso_date(value):
                    cell.value = date.fromisoformat(value)
                elif isinstance(value, str):
                    cell.value = value
                    if not (formulas and value.startswith("=")):
                        cell.data_type = "s"  # never a live formula
                else:
                    cell.value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def csv_text(doc: dict, sheet: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_headers(doc, sheet))
    for row in _rows(doc, sheet):
        writer.writerow(["" if value is None else _cell_text(value) for value in row])
    return buffer.getvalue()


def as_zip(doc: dict, *, bom: bool = False, members: dict[str, bytes] | None = None) -> bytes:
    """The return as a .zip of UTF-8 CSV files; `members` adds or replaces raw members."""
    files = {f"{sheet}.csv": (("\ufeff" if bom else "") + csv_text(doc, sheet)).encode("utf-8") for sheet in doc}
    files.update(members or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def as_json(doc: dict) -> bytes:
    return json.dumps(doc).encode("utf-8")


def write_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
