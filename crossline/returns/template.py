"""The downloadable national return template (xlsx), generated from the format itself.

Every sheet has its header row, a dropdown for every vocabulary and Y/N column, date-formatted
date columns, and an input message saying what the column wants. The example workbook is the
same template with a small, valid, synthetic return filled in.
"""

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from crossline.returns.format import (
    CONDITIONS,
    FORMAT_VERSION,
    ONE_OF_GROUPS,
    RETURN_FIELDS,
    SHEETS,
)

TEMPLATE_ROWS = 5000  # rows the dropdowns and date formats cover
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "DD/MM/YYYY"

INSTRUCTIONS = [
    ("National County Lines Intelligence Return: format v1", True),
    ("", False),
    ("How to fill this in", True),
    ("1. Fill in the 'return' sheet: your force, the period covered, who is responsible and a contact email.", False),
    ("2. Add one row per line, person, location, vehicle and event on their sheets. Leave sheets empty if you have "
     "nothing to report; keep every header row.", False),
    ("3. Give every record your own reference (the *_ref column) and keep it the same from month to month.", False),
    ("4. Grade every record: source_eval (R/U/X), intel_assessment (1-5) and handling_code (P/C, with conditions "
     "when C).", False),
    ("5. Separate several values in one cell with ';' (for example two phone numbers).", False),
    ("6. Write dates as DD/MM/YYYY or YYYY-MM-DD, or use a real date cell. Never month first.", False),
    ("7. Do not use formulas: a cell holding a formula rejects the return.", False),
    ("", False),
    ("Children", True),
    ("A person under 18 on the last day of the period must be recorded as vulnerable (Y) with under_18 among the "
     "vulnerability factors: a child is never recorded as only an offender.", False),
    ("", False),
    ("What happens next", True),
    ("Crossline checks the whole return. If anything is wrong it tells you every problem at once, with sheet, row "
     "and column, and stores nothing until you fix them and submit again. Submitting the same return twice creates "
     "nothing new; a new return for the same period replaces the old one as a new version.", False),
]


def _help_for(column) -> str:
    parts = [column.help] if column.help else []
    if column.vocabulary:
        parts.append(("Any of: " if column.multi else "One of: ") + ", ".join(column.vocabulary))
    if column.kind == "yesno":
        parts.append("Y or N")
    if column.kind == "date":
        parts.append("DD/MM/YYYY")
    if column.required == "yes":
        parts.append("Required.")
    elif column.one_of_group:
        parts.append("Give at least one of: " + ", ".join(ONE_OF_GROUPS[column.one_of_group]) + ".")
    elif column.condition:
        parts.append("Required " + CONDITIONS[column.condition].description + ".")
    if column.multi:
        parts.append("Separate several with ';'.")
    return " ".join(parts)[:250]  # Excel's limit for an input message


def _list_validation(sheet, values, col_letter, title, prompt):
    validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Not in the list",
                                error="Choose a value from the list.", promptTitle=title[:32], prompt=prompt)
    validation.add(f"{col_letter}2:{col_letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _record_sheet(workbook, spec):
    sheet = workbook.create_sheet(spec.name)
    for index, column in enumerate(spec.columns.values(), start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        prompt = _help_for(column)
        if column.kind == "yesno":
            _list_validation(sheet, ("Y", "N"), letter, column.name, prompt)
        elif column.vocabulary and not column.multi:
            _list_validation(sheet, column.vocabulary, letter, column.name, prompt)
        else:
            validation = DataValidation(allow_blank=True, promptTitle=column.name[:32], prompt=prompt)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
        if column.kind == "date":
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    return sheet


def _return_sheet(workbook):
    sheet = workbook.create_sheet("return")
    for index, name in enumerate(("field", "value"), start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for row, column in enumerate(RETURN_FIELDS.values(), start=2):
        sheet.cell(row=row, column=1, value=column.name)
        value_cell = sheet.cell(row=row, column=2)
        if column.kind == "date":
            value_cell.number_format = DATE_FORMAT
        # The help goes in an input message: a third column would be an unknown column.
        validation = DataValidation(allow_blank=True, promptTitle=column.name[:32], prompt=column.help[:250])
        validation.add(f"B{row}")
        sheet.add_data_validation(validation)
    sheet.cell(row=2, column=2, value=FORMAT_VERSION)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 40
    return sheet


def build_template(example: dict | None = None) -> bytes:
    """The blank template, or with `example` ({"return": {...}, "lines": [{...}], ...}) filled in."""
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "instructions"
    for row, (text, bold) in enumerate(INSTRUCTIONS, start=1):
        cell = instructions.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=14 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    instructions.column_dimensions["A"].width = 120
    return_sheet = _return_sheet(workbook)
    sheets = {name: _record_sheet(workbook, spec) for name, spec in SHEETS.items() if name != "return"}
    if example:
        _fill(return_sheet, sheets, example)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(return_sheet, sheets, example):
    for row in range(2, return_sheet.max_row + 1):
        field = return_sheet.cell(row=row, column=1).value
        if field in example.get("return", {}):
            return_sheet.cell(row=row, column=2, value=example["return"][field])
    for name, records in example.items():
        if name == "return":
            continue
        spec, sheet = SHEETS[name], sheets[name]
        columns = list(spec.columns)
        for row, record in enumerate(records, start=2):
            for field, value in record.items():
                if isinstance(value, (list, tuple)):
                    value = "; ".join(str(v) for v in value)
                sheet.cell(row=row, column=columns.index(field) + 1, value=value)


def example_return(*, force_code: str = "E23000010", period_end: date | None = None) -> dict:
    """A small, valid, wholly synthetic return to show how the template is filled in."""
    period_end = period_end or date(2026, 10, 31)
    period_start = period_end.replace(day=1)
    grading = {"source_eval": "R", "intel_assessment": "2", "handling_code": "P"}
    return {
        "return": {"format_version": FORMAT_VERSION, "force": force_code, "period_start": period_start,
                   "period_end": period_end, "submitted_by": "DS A. Analyst, Force Intelligence Bureau",
                   "contact_email": "fib@example.police.uk"},
        "lines": [
            {"line_ref": "EX-L-0001", "line_name": "JAY", "deal_numbers": ["07700 900123"],
             "exporting_area": "Leeds", "importing_areas": ["North Yorkshire"], "drugs": ["crack_cocaine", "heroin"],
             "status": "active", "first_reported": period_start, "violence": "Y", "weapons": ["knife"], **grading},
        ],
        "people": [
            {"person_ref": "EX-P-0001", "surname": "Example", "forenames": "Jordan", "aliases": ["J", "Little J"],
             "date_of_birth": date(period_end.year - 15, 3, 14), "gender": "male", "phone_numbers": ["07700 900456"],
             "postcode": "LS6 2XY", "roles": ["runner"], "line_refs": ["EX-L-0001"], "vulnerable": "Y",
             "vulnerability_factors": ["under_18", "looked_after", "missing_episodes"],
             "looked_after_by": "Leeds", "nrm_status": "referred",
             "safeguarding_actions": "Referred to children's services", **grading},
            {"person_ref": "EX-P-0002", "surname": "Sample", "forenames": "Marcus", "aliases": ["Jay"],
             "age_estimate": 24, "gender": "male", "pnc_id": None, "roles": ["line_holder"],
             "line_refs": ["EX-L-0001"], "vulnerable": "N", "source_eval": "U", "intel_assessment": "3",
             "handling_code": "C", "handling_conditions": "Not to be disclosed outside policing"},
        ],
        "locations": [
            {"location_ref": "EX-A-0001", "type": "cuckooed_address", "address": "Flat 2, 10 Example Road, Harrogate",
             "postcode": "HG1 1AA", "line_refs": ["EX-L-0001"], "person_refs": ["EX-P-0001"], **grading},
        ],
        "vehicles": [
            {"vehicle_ref": "EX-V-0001", "vrm": "AB12 CDE", "make": "Ford", "model": "Fiesta", "colour": "Grey",
             "line_refs": ["EX-L-0001"], "person_refs": ["EX-P-0002"], **grading},
        ],
        "events": [
            {"event_ref": "EX-E-0001", "date": period_end.replace(day=12), "type": "drug_seizure", "postcode": "HG1 1AA",
             "location_ref": "EX-A-0001", "line_refs": ["EX-L-0001"], "drug": "crack_cocaine",
             "quantity_grams": 14.5, **grading},
        ],
    }
